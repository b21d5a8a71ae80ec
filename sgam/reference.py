"""The SGAM and NIST reference values. The data migration writes them; importers map words onto their codes."""

LAYERS = [
    (
        "business",
        "Business",
        "Business view on information exchange: business processes, services, organisations, "
        "business models, regulatory and economic constraints.",
    ),
    (
        "function",
        "Function",
        "Functions and services and their relationships, independent of actors and physical implementations.",
    ),
    (
        "information",
        "Information",
        "Information objects and canonical data models exchanged between functions, services and components.",
    ),
    (
        "communication",
        "Communication",
        "Protocols and mechanisms for the interoperable exchange of information between components.",
    ),
    (
        "component",
        "Component",
        "Physical distribution of all participating components: system actors, "
        "applications, power system equipment, protection devices, network infrastructure, computers.",
    ),
]

DOMAINS = [
    (
        "generation",
        "Generation",
        "Bulk generation of electrical energy, typically connected to the transmission system.",
    ),
    (
        "transmission",
        "Transmission",
        "Infrastructure and organisation which transport electricity over long distances.",
    ),
    ("distribution", "Distribution", "Infrastructure and organisation which distribute electricity to customers."),
    ("der", "DER", "Distributed electrical resources directly connected to the public distribution grid."),
    (
        "customer_premises",
        "Customer Premises",
        "Industrial, commercial and home facilities, including electric vehicles and local generation.",
    ),
]

ZONES = [
    (
        "process",
        "Process",
        "Physical, chemical or spatial transformations of energy and the equipment directly involved.",
    ),
    ("field", "Field", "Equipment to protect, control and monitor the process of the power system."),
    (
        "station",
        "Station",
        "Aggregation level for the field level: data concentration, functional aggregation, "
        "substation automation, local SCADA.",
    ),
    (
        "operation",
        "Operation",
        "Power system control operation in the respective domain: DMS, EMS, microgrid and VPP management systems.",
    ),
    (
        "enterprise",
        "Enterprise",
        "Commercial and organisational processes, services and infrastructures for "
        "enterprises: asset management, logistics, work force, staff training, customer relation, billing.",
    ),
    (
        "market",
        "Market",
        "Market operations possible along the energy conversion chain: energy trading, mass market, retail market.",
    ),
]

NIST_DOMAINS = [
    (
        "bulk_generation",
        "Bulk Generation",
        "The generators of electricity in bulk quantities; may also store energy for later distribution.",
    ),
    (
        "transmission",
        "Transmission",
        "The carriers of bulk electricity over long distances; may also store and generate electricity.",
    ),
    (
        "distribution",
        "Distribution",
        "The distributors of electricity to and from customers; may also store and generate electricity.",
    ),
    (
        "customer",
        "Customer",
        "The end users of electricity; may also generate, store and manage the use of energy "
        "(residential, commercial, industrial).",
    ),
    ("markets", "Markets", "The operators and participants in electricity markets."),
    ("operations", "Operations", "The managers of the movement of electricity."),
    (
        "service_provider",
        "Service Provider",
        "The organisations providing services to electrical customers and to utilities.",
    ),
]
