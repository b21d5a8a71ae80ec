# Placements of an actor in one use case; rendered diagrams; validation findings.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0002_exchange_extra"),
        ("sgam", "0002_reference_data"),
        ("usecases", "0002_exchange_extra"),
    ]

    operations = [
        migrations.CreateModel(
            name="RenderedDiagram",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("actors", "Actor interaction"),
                            ("sequence", "Sequence diagram"),
                            ("sgam", "SGAM plane"),
                            ("nist", "NIST domains"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "subject",
                    models.CharField(
                        blank=True,
                        help_text="What of the use case it shows: a scenario or SGAM layer ('' for all).",
                        max_length=60,
                    ),
                ),
                ("title", models.CharField(blank=True, max_length=300)),
                ("content_hash", models.CharField(max_length=64, unique=True)),
                ("engine", models.CharField(default="dot", max_length=20)),
                (
                    "source",
                    models.TextField(
                        help_text="The DOT source, kept so that a PNG can be rendered later and for exports."
                    ),
                ),
                ("svg", models.TextField(blank=True)),
                ("png", models.BinaryField(blank=True, null=True)),
                (
                    "error",
                    models.TextField(blank=True, help_text="Why rendering the SVG failed (timeout, Graphviz error)."),
                ),
                ("png_error", models.TextField(blank=True, help_text="Why rendering the PNG failed.")),
                (
                    "render_ms",
                    models.PositiveIntegerField(blank=True, help_text="Time Graphviz took for the SVG.", null=True),
                ),
                ("png_render_ms", models.PositiveIntegerField(blank=True, null=True)),
                ("created", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["use_case_id", "kind", "subject"],
            },
        ),
        migrations.CreateModel(
            name="ValidationFinding",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("rule", models.CharField(db_index=True, max_length=10)),
                (
                    "severity",
                    models.CharField(
                        choices=[("error", "Error"), ("warning", "Warning"), ("info", "Info")],
                        db_index=True,
                        max_length=10,
                    ),
                ),
                ("section", models.CharField(help_text="Section of the template, e.g. 4.2.", max_length=10)),
                (
                    "anchor",
                    models.CharField(blank=True, help_text="Anchor of the row on the use case page.", max_length=60),
                ),
                ("message", models.TextField()),
                ("hint", models.TextField(blank=True)),
                ("position", models.PositiveIntegerField(default=0)),
            ],
            options={
                "ordering": ["result_id", "position", "id"],
            },
        ),
        migrations.CreateModel(
            name="ValidationResult",
            fields=[
                (
                    "use_case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="validation_result",
                        serialize=False,
                        to="usecases.usecase",
                    ),
                ),
                ("revision", models.PositiveIntegerField(help_text="The use case's revision that was validated.")),
                ("validated", models.DateTimeField()),
                ("errors", models.PositiveIntegerField(default=0)),
                ("warnings", models.PositiveIntegerField(default=0)),
                ("infos", models.PositiveIntegerField(default=0)),
            ],
            options={
                "ordering": ["use_case_id"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="nistplacement",
            name="nist_placement_one_subject",
        ),
        migrations.RemoveConstraint(
            model_name="sgamplacement",
            name="sgam_placement_one_subject",
        ),
        migrations.AddField(
            model_name="nistplacement",
            name="actor_role",
            field=models.ForeignKey(
                blank=True,
                help_text="An actor's placement in one use case; without one, the actor's own placement applies there.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="nist_placements",
                to="usecases.actorrole",
            ),
        ),
        migrations.AddField(
            model_name="sgamplacement",
            name="actor_role",
            field=models.ForeignKey(
                blank=True,
                help_text="An actor's placement in one use case; without one, the actor's own placement applies there.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="sgam_placements",
                to="usecases.actorrole",
            ),
        ),
        migrations.AddConstraint(
            model_name="nistplacement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("actor__isnull", True),
                        ("actor_role__isnull", True),
                        ("information_object__isnull", True),
                        ("use_case__isnull", False),
                    ),
                    models.Q(
                        ("actor__isnull", False),
                        ("actor_role__isnull", True),
                        ("information_object__isnull", True),
                        ("use_case__isnull", True),
                    ),
                    models.Q(
                        ("actor__isnull", True),
                        ("actor_role__isnull", True),
                        ("information_object__isnull", False),
                        ("use_case__isnull", True),
                    ),
                    models.Q(
                        ("actor__isnull", True),
                        ("actor_role__isnull", False),
                        ("information_object__isnull", True),
                        ("use_case__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="nist_placement_one_subject",
            ),
        ),
        migrations.AddConstraint(
            model_name="sgamplacement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("actor__isnull", True),
                        ("actor_role__isnull", True),
                        ("information_object__isnull", True),
                        ("use_case__isnull", False),
                    ),
                    models.Q(
                        ("actor__isnull", False),
                        ("actor_role__isnull", True),
                        ("information_object__isnull", True),
                        ("use_case__isnull", True),
                    ),
                    models.Q(
                        ("actor__isnull", True),
                        ("actor_role__isnull", True),
                        ("information_object__isnull", False),
                        ("use_case__isnull", True),
                    ),
                    models.Q(
                        ("actor__isnull", True),
                        ("actor_role__isnull", False),
                        ("information_object__isnull", True),
                        ("use_case__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="sgam_placement_one_subject",
            ),
        ),
        migrations.AddField(
            model_name="rendereddiagram",
            name="use_case",
            field=models.ForeignKey(
                help_text="Rendered for.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="rendered_diagrams",
                to="usecases.usecase",
            ),
        ),
        migrations.AddField(
            model_name="validationfinding",
            name="result",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="findings", to="sgam.validationresult"
            ),
        ),
        migrations.AddIndex(
            model_name="rendereddiagram",
            index=models.Index(fields=["use_case", "kind", "subject"], name="sgam_render_use_cas_2018f3_idx"),
        ),
    ]
