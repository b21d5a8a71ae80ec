// The table editors of a use case page (usecases/authoring). htmx swaps only 2xx answers by default; an editor's
// refusals come as 400 (incomplete post), 409 (someone else changed the use case, or it is no longer a draft) and
// 422 (the form has errors), each with the editor to show, so those are swapped in too. After a write, the server
// sends the event usecaseRevised {from, to}: every form of the page still at the revision before that write (the
// workflow's, the placement editor's; the table editors compare rows, not revisions) and the revision shown in the
// header move to the new one. Forms at an older revision stay stale, as they should.
(function () {
  "use strict";

  const SWAPPED_REFUSALS = [400, 409, 422];

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (SWAPPED_REFUSALS.includes(event.detail.xhr.status)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The tables as a spreadsheet: one cell of a table in the tab order (a roving tabindex); arrow keys, Home and End
  // move between cells; Enter (or F2) opens the row's form on the cell's field (data-fields names the field of each
  // column); Alt+Up and Alt+Down move the row; Delete deletes it (after htmx's confirm); Insert opens the new-row
  // form. In a form Ctrl+Enter saves and Escape cancels. After the editor comes back, the focus goes back to where
  // it was: the same cell of the same row, or the new-row form after adding one.
  let pendingFocus = null;

  function cellsOf(row) {
    return Array.from(row.children).filter(function (cell) {
      return !cell.matches(":last-child");  // the Actions column is reached with Tab
    });
  }

  function setupGrid(grid) {
    const rows = Array.from(grid.querySelectorAll("tbody tr[data-row]"));
    rows.forEach(function (row) {
      cellsOf(row).forEach(function (cell) {
        cell.tabIndex = -1;
      });
    });
    if (rows.length && !grid.querySelector("td[tabindex='0']")) {
      cellsOf(rows[0])[0].tabIndex = 0;
    }
  }

  function focusCell(cell) {
    const grid = cell.closest("[data-grid]");
    grid.querySelectorAll("td[tabindex='0']").forEach(function (other) {
      other.tabIndex = -1;
    });
    cell.tabIndex = 0;
    cell.focus();
  }

  function editorOf(element) {
    return element.closest("[data-editor-id]");
  }

  function rowButton(row, selector) {
    return row.querySelector("td:last-child " + selector);
  }

  function onGridKey(event) {
    const cell = event.target.closest("td");
    const row = cell && cell.closest("tr[data-row]");
    if (!row || event.target !== cell) {
      return;
    }
    const grid = row.closest("[data-grid]");
    const rows = Array.from(grid.querySelectorAll("tbody tr[data-row]"));
    const cells = cellsOf(row);
    const column = cells.indexOf(cell);
    const rowIndex = rows.indexOf(row);
    const editorId = editorOf(grid).dataset.editorId;
    const fields = (grid.dataset.fields || "").split(" ");
    let target = null;
    let button = null;
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      button = rowButton(row, 'button[value="' + (event.key === "ArrowUp" ? "up" : "down") + '"]');
      pendingFocus = { editorId: editorId, row: row.dataset.row, column: column };
    } else if (event.key === "ArrowUp" && rowIndex > 0) {
      target = cellsOf(rows[rowIndex - 1])[column];
    } else if (event.key === "ArrowDown" && rowIndex < rows.length - 1) {
      target = cellsOf(rows[rowIndex + 1])[column];
    } else if (event.key === "ArrowLeft" && column > 0) {
      target = cells[column - 1];
    } else if (event.key === "ArrowRight" && column < cells.length - 1) {
      target = cells[column + 1];
    } else if (event.key === "Home") {
      target = event.ctrlKey ? cellsOf(rows[0])[0] : cells[0];
    } else if (event.key === "End") {
      target = event.ctrlKey ? cellsOf(rows[rows.length - 1])[column] : cells[cells.length - 1];
    } else if (event.key === "Enter" || event.key === "F2") {
      button = rowButton(row, "a[hx-get]");
      pendingFocus = { editorId: editorId, row: row.dataset.row, column: column, field: fields[column] || "" };
    } else if (event.key === "Delete") {
      button = rowButton(row, "button.btn-outline-danger");
      pendingFocus = { editorId: editorId, row: rows[rowIndex + 1] ? rows[rowIndex + 1].dataset.row : "", column: column };
    } else if (event.key === "Insert") {
      openNewRow(editorOf(grid));
      event.preventDefault();
      return;
    } else {
      return;
    }
    event.preventDefault();
    if (target) {
      focusCell(target);
    } else if (button && !button.disabled) {
      button.click();
    }
  }

  // The field a new-row form starts in: its first, or its second when the first is a number filled in already.
  function firstToFill(form) {
    const fields = form ? Array.from(form.querySelectorAll("input:not([type=hidden]), select, textarea")) : [];
    const first = fields[0];
    const chosen = first && first.tagName === "INPUT" && first.value && first.name === "number" && fields[1]
      ? fields[1] : first;
    return chosen && chosen.tomselect ? chosen.tomselect.control_input : chosen || null;  // a type-ahead's input
  }

  function openNewRow(editor) {
    const details = editor.querySelector("details[data-new-row]");
    if (details) {
      details.open = true;
      const first = firstToFill(details.querySelector("form"));
      if (first) {
        first.focus();
      }
    }
  }

  function onFormKey(event) {
    const editor = editorOf(event.target);
    if (!editor || !event.target.form) {
      return;
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (event.target.form.closest("details[data-new-row]")) {
        pendingFocus = { editorId: editor.dataset.editorId, newRow: true };
      } else if (editor.dataset.editing) {
        pendingFocus = pendingFocus || { editorId: editor.dataset.editorId, row: editor.dataset.editing, column: 0 };
      }
      event.target.form.requestSubmit();
    } else if (event.key === "Escape") {
      const cancel = editor.querySelector("[data-cancel]");
      if (cancel) {
        event.preventDefault();
        cancel.click();
      }
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.target.closest && event.target.closest("[data-grid] tbody")) {
      onGridKey(event);
    } else if (event.target.closest && event.target.closest("[data-editor-id] form")) {
      onFormKey(event);
    }
  });

  function restoreFocus(event) {
    if (!pendingFocus) {
      return;
    }
    const selector = '[data-editor-id="' + CSS.escape(pendingFocus.editorId) + '"]';
    const settled = event.target;  // only the editor that came back takes the focus, not another swap meanwhile
    const editor = settled.matches(selector) ? settled : settled.querySelector(selector);
    if (!editor) {
      return;
    }
    const wanted = pendingFocus;
    if (editor.dataset.editing) {  // a row's form: its field of the cell, or its first field
      const field = wanted.field && document.getElementById(wanted.editorId + "-" + editor.dataset.editing + "-" + wanted.field);
      const first = editor.querySelector("form input:not([type=hidden]), form select, form textarea");
      (field || first || editor).focus();
      return;  // the table comes back after the form: keep the row and column to return to
    }
    pendingFocus = null;
    if (wanted.newRow) {
      openNewRow(editor);
      return;
    }
    const row = wanted.row && document.getElementById(wanted.editorId + "-row-" + wanted.row);
    const rows = editor.querySelectorAll("tbody tr[data-row]");
    const target = row || rows[rows.length - 1];
    if (target) {
      const cells = cellsOf(target);
      focusCell(cells[Math.min(wanted.column || 0, cells.length - 1)]);
    }
  }

  document.addEventListener("htmx:load", function (event) {
    event.detail.elt.querySelectorAll("[data-grid]").forEach(setupGrid);
    if (event.detail.elt.matches && event.detail.elt.matches("[data-grid]")) {
      setupGrid(event.detail.elt);
    }
  });

  document.addEventListener("htmx:afterSettle", restoreFocus);

  // The validation panel fetches itself again after edits and while pending: a findings list the author opened (or
  // closed) stays so.
  let findingsOpen = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    const findings = event.detail.target.matches("#validation") && event.detail.target.querySelector("details");
    findingsOpen = findings ? findings.open : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    const findings = document.querySelector("#validation details");
    if (findings && findingsOpen !== null) {
      findings.open = findingsOpen;
    }
    findingsOpen = null;
  });

  document.addEventListener("usecaseRevised", function (event) {
    const before = String(event.detail.from);
    const after = String(event.detail.to);
    document.querySelectorAll('input[name="revision"]').forEach(function (input) {
      if (input.value === before) {
        input.value = after;
      }
    });
    document.querySelectorAll("[data-usecase-revision]").forEach(function (shown) {
      if (shown.textContent === before) {
        shown.textContent = after;
      }
    });
  });

  // Input is never lost (issue 15). A form of an editor "has changes" when a field differs from what it was
  // rendered with, or when it came back from the server with text not saved yet (data-unsaved: errors, a conflict).
  // Closing it (Cancel, Escape, Done, any request that would replace it) asks first, and so does leaving the page.
  // While a save is in flight its form is inert (the keys typed meanwhile are kept, not sent to another field);
  // afterwards the focus goes back where it was (or to the new-row form's first field after a row was added) and the
  // keys typed meanwhile are written there.
  const DISCARD_QUESTION = "This form has changes that are not saved. Discard them?";
  let saving = null;  // {xhr, form, editorId, newRow, fieldId, index, start, end, typed, status}
  let leaving = false;

  const loadedStates = new WeakMap();  // form -> its values as rendered

  // What the form would send, empty fields left out (the pickers add and remove empty rows of fields as they go).
  function formState(form) {
    const values = [];
    new FormData(form).forEach(function (value, name) {
      const text = typeof value === "string" ? value : value.name;
      if (name !== "csrfmiddlewaretoken" && text !== "") {
        values.push([name, text]);
      }
    });
    return JSON.stringify(values);
  }

  function noteLoaded(form) {
    if (!loadedStates.has(form)) {
      loadedStates.set(form, formState(form));
    }
  }

  // The state as loaded is taken once the other htmx:load handlers (the pickers) have set their fields up, or when
  // the user first enters the form, whichever comes first.
  document.addEventListener("htmx:load", function (event) {
    const root = event.detail.elt;
    const forms = Array.from(root.querySelectorAll("[data-editor-id] form"));
    if (root.matches && root.matches("[data-editor-id] form")) {
      forms.push(root);
    }
    window.setTimeout(function () {
      forms.forEach(noteLoaded);
    }, 0);
  });

  document.addEventListener("focusin", function (event) {
    const form = event.target.closest && event.target.closest("[data-editor-id] form");
    if (form) {
      noteLoaded(form);
    }
  }, true);

  function formChanged(form) {
    if (form.hasAttribute("data-unsaved")) {
      return true;
    }
    return loadedStates.has(form) && formState(form) !== loadedStates.get(form);
  }

  function changedForms(root, except) {
    if (!root || !root.querySelectorAll) {
      return [];
    }
    const forms = Array.from(root.querySelectorAll("[data-editor-id] form"));
    if (root.matches && root.matches("[data-editor-id] form")) {
      forms.push(root);
    }
    return forms.filter(function (form) {
      return form !== except && formChanged(form);
    });
  }

  // Any request that replaces an editor with changes (Cancel, Escape, Edit of another row, a delete or a move of the
  // table, a table opened in its place), except the save of the form itself.
  // A refresh the user did not ask for (a poll, the validation panel after a save) waits instead: it asks nothing
  // and throws nothing away. The form being saved is not lost: its answer replaces it.
  const USER_EVENTS = ["click", "submit", "keydown", "change"];
  let discardConfirmed = false;  // Done asked already

  // The validation panel refreshes itself (its poll, after a save elsewhere on the page). While a row is being edited
  // in it (opened with a finding's Fix, changed or not yet: a picker being typed into changes no field), or a new
  // row's form is open there, the refresh waits: not sent, or its answer not swapped in when the form opened while it
  // was on its way. It would take the form away under the user's hands. It is made once no form is open there any
  // more (saved, cancelled), so the panel catches up.
  let validationHeld = false;

  function openFindingEditor(panel) {
    const open = panel.querySelectorAll(".finding-editor [data-editing], .finding-editor details[data-new-row][open]");
    const forms = Array.from(open).concat(changedForms(panel));
    return forms.some(function (form) {
      return !saving || !form.contains(saving.form);
    });
  }

  function holdsValidationRefresh(event) {
    const panel = document.getElementById("validation");
    const trigger = event.detail.requestConfig ? event.detail.requestConfig.triggeringEvent : event.detail.triggeringEvent;
    if (!panel || event.detail.target !== panel || (trigger && USER_EVENTS.includes(trigger.type))) {
      return false;
    }
    if (!openFindingEditor(panel)) {
      return false;
    }
    validationHeld = true;
    return true;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (holdsValidationRefresh(event)) {
      event.detail.shouldSwap = false;
    }
  });

  function releaseValidationRefresh() {
    const panel = document.getElementById("validation");
    if (validationHeld && panel && !openFindingEditor(panel)) {
      validationHeld = false;
      htmx.trigger(panel, "ucmrRefresh");
    }
  }

  document.addEventListener("htmx:afterSettle", releaseValidationRefresh);

  // A row opened from a finding (Fix) closes on Cancel or Escape: the finding's place in the panel empties, rather
  // than showing the row's whole table there, and the focus goes back to its Fix. Asked first when the form has
  // changes. (Before htmx sees the click: this listener captures it on the document.)
  document.addEventListener("click", function (event) {
    const cancel = event.target.closest && event.target.closest(".finding-editor [data-cancel]");
    if (!cancel) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    const place = cancel.closest(".finding-editor");
    const form = cancel.closest("[data-editor-id]").querySelector("form");
    if (form && formChanged(form) && !window.confirm(DISCARD_QUESTION)) {
      return;
    }
    place.replaceChildren();
    const fix = place.previousElementSibling;
    if (fix) {
      fix.focus();
    }
    releaseValidationRefresh();
  }, true);

  document.addEventListener("htmx:confirm", function (event) {
    if (holdsValidationRefresh(event)) {
      event.preventDefault();
      return;
    }
    const elt = event.detail.elt;
    const own = elt.tagName === "FORM" ? elt : null;
    const lost = changedForms(event.detail.target, own).filter(function (form) {
      return !saving || form !== saving.form;
    });
    if (!lost.length || discardConfirmed) {
      discardConfirmed = false;
      return;
    }
    event.preventDefault();
    const trigger = event.detail.triggeringEvent;
    if (!trigger || !USER_EVENTS.includes(trigger.type)) {
      return;
    }
    trigger.preventDefault();  // a link that htmx does not follow is not followed at all
    if (window.confirm(DISCARD_QUESTION)) {
      event.detail.issueRequest(false);  // htmx still asks its own question (hx-confirm) after ours
    }
  });

  // Done closes the editor, asking first when a form has changes. On the use case page the table's section comes back
  // as the page shows it now; a table opened inside another editor just closes. Elsewhere (an editor as a page of its
  // own) Done leaves the page, and beforeunload does not ask again.
  document.addEventListener("click", function (event) {
    const done = event.target.closest && event.target.closest("[data-editor-id] [data-done]");
    if (!done) {
      return;
    }
    const editor = editorOf(done);
    const url = new URL(done.href, window.location.href);
    if (url.pathname !== window.location.pathname) {
      if (changedForms(editor).length && !window.confirm(DISCARD_QUESTION)) {
        event.preventDefault();
      } else {
        leaving = true;
      }
      return;
    }
    event.preventDefault();
    const parent = editor.parentElement;
    const home = parent && parent.id === "table-" + editor.dataset.editorId ? parent : null;
    if (changedForms(editor).length && !window.confirm(DISCARD_QUESTION)) {
      return;
    }
    if (home) {
      discardConfirmed = true;
      refreshAfterDone(editor, home, url);
    } else {
      editor.remove();
    }
  });

  // The sections whose tables follow from others' rows (4.2 lists the steps of each scenario, 5 the information the
  // steps exchange, 6 the requirements they name) come back with the closed table's own section, from one fetch of
  // the page; a section in which another editor is open keeps it, and only the closed table's place is refreshed.
  const DERIVED_SECTIONS = ["section-4", "section-5", "section-6"];

  function refreshAfterDone(editor, home, url) {
    fetch(url.pathname, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : Promise.reject(new Error(String(response.status)));
    }).then(function (html) {
      const fresh = new DOMParser().parseFromString(html, "text/html");
      const targets = DERIVED_SECTIONS.map(function (id) {
        return document.getElementById(id);
      }).filter(function (section) {
        if (!section || !fresh.getElementById(section.id) || section.querySelector(".htmx-request")) {
          return false;  // an editor on its way in (opened since Done) would land in a replaced section
        }
        return !Array.prototype.some.call(section.querySelectorAll("[data-editor-id]"), function (other) {
          return other !== editor && !editor.contains(other) && !other.contains(editor);
        });
      });
      if (!targets.some(function (section) { return section.contains(home); })) {
        targets.push(home);
      }
      targets.forEach(function (target) {
        const replacement = fresh.getElementById(target.id);
        if (replacement) {
          htmx.swap(target, replacement.outerHTML, { swapStyle: "outerHTML" });
        }
      });
    }).catch(function () {
      window.location.reload();
    });
  }

  window.addEventListener("beforeunload", function (event) {
    if (!leaving && changedForms(document).length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  function isTextField(element) {
    return !!element && (element.tagName === "TEXTAREA" ||
      (element.tagName === "INPUT" && /^(text|search|url|email|tel|number)$/.test(element.type)));
  }

  function firstField(container) {
    return container && container.querySelector("input:not([type=hidden]), select, textarea");
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    const form = event.detail.elt;
    if (form.tagName !== "FORM" || !editorOf(form) || !firstField(form)) {
      return;  // only a form the user types into (not a delete or a move)
    }
    const active = document.activeElement;
    const inside = active && form.contains(active) ? active : null;
    saving = {
      xhr: event.detail.xhr,
      form: form,
      editorId: editorOf(form).dataset.editorId,
      newRow: !!form.closest("details[data-new-row]"),
      quick: form.hasAttribute("data-quick-row"),
      fieldId: inside && inside.id,
      index: Array.from(form.elements).indexOf(inside),  // a button has no id: the same place in the form
      start: isTextField(inside) ? inside.selectionStart : null,
      end: isTextField(inside) ? inside.selectionEnd : null,
      typed: "",
      status: 0,
    };
    form.inert = true;  // no focus, no typing, no clicks until the answer is in
    form.setAttribute("aria-busy", "true");
    form.classList.add("opacity-50");
  });

  // While a save is in flight, the keys that would have gone into its form are kept for afterwards.
  document.addEventListener("keydown", function (event) {
    if (!saving || !(event.target === document.body || saving.form.contains(event.target))) {
      return;
    }
    if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      saving.typed += event.key;
    } else if (event.key === "Backspace") {
      saving.typed = saving.typed.slice(0, -1);
    } else if (["Shift", "Control", "Alt", "Meta", "CapsLock"].includes(event.key)) {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
  }, true);

  function typeInto(field, text) {
    if (!text || !isTextField(field)) {
      return;
    }
    const start = field.selectionStart === null ? field.value.length : field.selectionStart;
    const end = field.selectionEnd === null ? start : field.selectionEnd;
    field.setRangeText(text, start, end, "end");
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function finishSave(settled) {
    const done = saving;
    if (!done) {
      return;
    }
    saving = null;
    let target = null;
    if (done.form.isConnected) {  // not swapped (an error, the repository busy): the form is as it was
      done.form.inert = false;
      done.form.removeAttribute("aria-busy");
      done.form.classList.remove("opacity-50");
      target = done.fieldId && document.getElementById(done.fieldId);
    } else {
      const selector = '[data-editor-id="' + CSS.escape(done.editorId) + '"]';
      const editor = settled.matches(selector) ? settled : settled.querySelector(selector);
      if (!editor) {
        return;
      }
      const added = (done.newRow || done.quick) && done.status >= 200 && done.status < 300;
      if (added && done.quick) {  // the next quick row: its name (the number is filled in)
        target = editor.querySelector("form[data-quick-row] input[name=name]");
      } else if (added) {  // the next row's form, kept open: its first field to fill
        target = firstToFill(editor.querySelector("details[data-new-row] form"));
      } else if (done.status >= 400) {  // the form back with errors or a conflict: the field that had the focus
        const where = done.quick ? "form[data-quick-row]" : done.newRow ? "details[data-new-row] form" : "form";
        const form = editor.querySelector(where);
        const same = form && done.index >= 0 ? form.elements[done.index] : null;
        target = (done.fieldId && document.getElementById(done.fieldId)) || same || firstField(form);
      }
    }
    if (target) {
      target.focus();
      if (isTextField(target) && done.start !== null && done.status >= 400) {
        const length = target.value.length;
        target.setSelectionRange(Math.min(done.start, length), Math.min(done.end, length));
      }
    }
    typeInto(document.activeElement, done.typed);
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    if (saving && event.detail.xhr === saving.xhr) {
      saving.status = event.detail.xhr.status;
      if (saving.form.isConnected) {
        finishSave(null);
      } else {  // swapped: finished when its answer has settled; in case nothing of it settles, a little later
        const pending = saving;
        window.setTimeout(function () {
          if (saving === pending) {
            finishSave(document.body);
          }
        }, 1000);
      }
    }
  });

  // Only the save's own answer settling finishes it: another swap may settle first (the validation panel's poll,
  // answered while the save's answer waits for its settle delay), and the focus would be lost.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (saving && saving.status && event.detail.xhr === saving.xhr) {
      finishSave(event.target);
    }
  });

  // Every new-row form focuses its first field when it opens (unless the focus is in the form already): at once on
  // the click that opens it, so that keys typed right after the click cannot go elsewhere (the toggle event comes
  // a task later), and on the toggle event for any other way of opening it.
  document.addEventListener("click", function (event) {
    const summary = event.target.closest ? event.target.closest("details[data-new-row] > summary") : null;
    if (!summary || saving || summary.parentElement.open) {
      return;
    }
    event.preventDefault();
    const details = summary.parentElement;
    details.open = true;
    const first = firstToFill(details.querySelector("form"));
    if (first) {
      first.focus();
    }
  });

  // The edit page of sections 1.1 to 1.7 ([data-guarded-form], a plain form that posts the page): leaving it with
  // changes asks; while its save is in flight the form is inert and the keys typed meanwhile are kept, and when the
  // form comes back (errors, a conflict) they are written into the field that had the focus.
  const GUARD_KEY = "ucmr-guarded-keys";

  function setupGuardedForm(form) {
    const loaded = formState(form);
    let submitting = false;
    let kept = null;  // {path, field, typed}
    window.setTimeout(function () {  // the state once the other scripts (rich text) have set the fields up
      loadedStates.set(form, formState(form));
    }, 0);
    loadedStates.set(form, loaded);
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && formState(form) !== loadedStates.get(form)) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    form.addEventListener("submit", function () {
      submitting = true;
      const active = document.activeElement;
      const field = active && form.contains(active) ? active.name || "" : "";
      kept = { path: window.location.pathname, field: field, typed: "", time: Date.now() };
      form.inert = true;  // inert fields are still posted (disabled ones would not be)
      form.setAttribute("aria-busy", "true");
      form.classList.add("opacity-50");
    });
    document.addEventListener("keydown", function (event) {
      if (!submitting || !kept) {
        return;
      }
      if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
        kept.typed += event.key;
      } else if (event.key === "Backspace") {
        kept.typed = kept.typed.slice(0, -1);
      }
      event.preventDefault();
      try {
        window.sessionStorage.setItem(GUARD_KEY, JSON.stringify(kept));
      } catch (error) {
        // no storage: the keys are not sent elsewhere, at least
      }
    }, true);
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {  // back from the next page: the form is usable again
        submitting = false;
        form.inert = false;
        form.removeAttribute("aria-busy");
        form.classList.remove("opacity-50");
      }
    });
    restoreGuardedKeys(form);
  }

  function restoreGuardedKeys(form) {
    let kept = null;
    try {
      kept = JSON.parse(window.sessionStorage.getItem(GUARD_KEY) || "null");
      window.sessionStorage.removeItem(GUARD_KEY);
    } catch (error) {
      return;
    }
    if (!kept || kept.path !== window.location.pathname || !kept.typed || Date.now() - kept.time > 60000) {
      return;
    }
    const field = kept.field && form.elements.namedItem(kept.field);
    if (field && isTextField(field)) {
      field.focus();
      field.setSelectionRange(field.value.length, field.value.length);
      typeInto(field, kept.typed);
    }
  }

  document.querySelectorAll("[data-guarded-form] form").forEach(setupGuardedForm);

  document.addEventListener("toggle", function (event) {
    const details = event.target;
    if (saving || !details.matches || !details.matches("details[data-new-row]") || !details.open) {
      return;
    }
    const form = details.querySelector("form");
    const first = firstToFill(form);
    if (first && !form.contains(document.activeElement)) {
      first.focus();
    }
  }, true);
})();
