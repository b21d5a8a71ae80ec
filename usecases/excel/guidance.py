"""The guidance of the BRIDGE Excel template (IEC62559-2_TEMPLATE.xlsx, revision 3, CC BY 4.0): the cell comments
on column B, by the template row they sit on (`layout.ROWS`), and the text of its `Instructions` sheet. The writer
puts them where the template has them, so that an exported workbook reads like one filled in by hand."""

AUTHOR = "IEC 62559-2 template"

INSTRUCTIONS = (
    "Mandatory: All the cells in Column C in yellow have to be completed mandatorily.",
    "Optional: The cells in blue are for multiple objects, that can be completed when needed.",
)

_SERVICES = (
    "This column identifies the nature of the information flow and the originator of the information. Available "
    "options are CREATE, GET, CHANGE, DELETE, CANCEL, EXECUTE derived from IEC 61968-100:2013, 6.2.2. "
    "Additionally, REPORT, TIMER and REPEAT are suggested.\n"
    "CREATE means that an information object is to be created at the Producer.\n"
    "GET (this is the default value if none is populated) means that the Receiver requests information from the "
    "Producer (default).\n"
    "CHANGE means that information is to be updated. Producer updates the Receiver's information.\n"
    "DELETE means that information is to be deleted. Producer deletes information from the Receiver.\n"
    "CANCEL, CLOSE imply actions related to processes, such as the closure of a work order or the cancellation of "
    "a control request.\n"
    "EXECUTE is used when a complex transaction is being conveyed using a service, which potentially contains more "
    "than one verb.\n"
    "REPORT is used to represent transferral of unsolicited information or asynchronous information flows. "
    "Producer provides information to the Receiver.\n"
    "TIMER is used to represent a waiting period. When using the TIMER service, the Information Producer and "
    "Information Receiver fields shall refer to the same actor.\n"
    "REPEAT is used to indicate that a series of steps is repeated until a condition or trigger event. The "
    "condition is specified as the text in the \u201cEvent\u201d column for this row or step.\n"
    "Following the word REPEAT, shall appear, in parenthesis, the first and last step numbers of the series to be "
    "repeated in the following form REPEAT(X-Y) where X is the first step and Y is the last step.\n"
    "These common service definitions are related to automation/information or communication systems. In case "
    "the use case template is applied in other domains, further services might be used and described."
)

_INFORMATION_EXCHANGED = (
    "This describes briefly the information to be exchanged between the two actors \u2013 information producer "
    "and information receiver:\n"
    "\u2013 Input to the use case from some external sources that is not described in this use case.\n"
    "\u2013 Internal to the use case (e.g. between different applications and systems within the use case).\n"
    "\u2013 Output from the use case that will be used by other actors/entities not included in this use case.\n"
    "\u2013 This column should not contain technology issues/requirements.\n"
    "\u2013 It is allowed to list several information in one step, comma separated.\n"
    "\u2013 Summarizing the information exchanged between two actors based on the relevant set of use cases can "
    "characterize the needed communication/message payload.\n"
    "\u2013 Detailed information exchange should be identified using an ID (\u201cName of Information\u201d). Such "
    "name should include the source namespace, if not referring to the by-default one. In this case, the column "
    "only contains the ID of the exchanged information which link to more details about the information in a "
    "separate table in the following template section 5 which is used for all steps of the use case.\n"
    "Here the information can use a short ID referring to template section 5 for further details. Several "
    "information exchanged IDs can be listed, comma separated."
)

COMMENTS: dict[int, str] = {
    5: (
        "Use cases can be used in various areas (e.g. energy system). Within these areas, different domains are "
        "used to define/determine a more specific subgrouping. Zones might describe additional zones with an "
        "automation system or a reference architecture (SGAM). The author can select one or more domains and "
        "zones, comma separated, as it is usual that use cases are crossing different domains and zones. Example "
        "domains: Generation, transmission, DER, distribution, customer premises. Example zones: Process, field, "
        "station, operation, enterprise, market"
    ),
    7: (
        "Insert one column per version. Do not remove previous columns in order to keep track of past versions. "
        "These set of field will be expanded in columns on any new version"
    ),
    10: "Comma-separated list",
    12: (
        "will be used within the standardization organizations. The procedures for validation of use cases or "
        "actors will be defined in part 1 of this standard.\n"
        "EXAMPLE Similar to working draft, committee draft (CD) for comments, committee draft for vote (CDV), for "
        "voting (similar FDIS), final"
    ),
    16: "Comma separated list of related use cases",
    20: "Insert one column per KPI. This set of columns will expand in columns on any addtional KPI",
    25: (
        "Insert as much assumptions and prerequisites as needed in columns. This set of rows will be expanded in "
        "columns"
    ),
    29: (
        "Known relations to other use cases can be provided here if e.g. the use case is a more detailed one "
        "related to a high level use case, or it is an alternative to an existing use case. The type of relation "
        "like \u201cinclude\u201d, \u201cextends\u201d, \u201cinvokes\u201d might be used in order to specify this "
        "relation in more detail."
    ),
    30: (
        "Use cases can be described on different levels (refer to IEC62559-1 for examples). Currently there is no "
        "fixed hierarchy for use cases defined, but some most common examples are provided.\n"
        "EXAMPLE High level use case, generic use case, specialised use cases."
    ),
    31: "EXAMPLE: Obligatory/mandatory, optional, nice to have.",
    32: (
        "On international level, the use case description might be generic enough to describe a use case in a more "
        "general way independently from the national or regional market design. But use cases might be used to "
        "describe regional or national specific circumstances like laws or even project-specific details. If the "
        "use case reflects those circumstances, it should be characterized accordingly.\n"
        'EXAMPLE National, "Country".'
    ),
    33: (
        "This field can help to classify the main focus of the use case.\n"
        "EXAMPLE Technical/system use case, business use cases (e.g. market processes), political, test use cases."
    ),
    35: "Insert one row per general remark of the use case. This row will be expanded by columns",
    36: "for further comments which are not considered elsewhere.",
    37: (
        "Insert one column per diagram associated to this use case. This set of rows will be expanded by columns.\n"
        "Each diagram should be later uploaded along with this template filled up. The name of the diagram files "
        "uploaded must match the name specified in this section"
    ),
    39: (
        '"domain_overview", "use_case_overview", "documentation", "scenarios_flowchart", "scenario_overview", '
        '"activities_flowchart", "activity_overview", "business_objects_overview", "role_model", "other" or '
        'nothing (default="other")'
    ),
    40: '"UMLDiagram", "image" or nothing',
    41: "Insert the name of the diagram exactly like the one that will be uploaded",
    43: (
        "Insert one column per actor. These set of rows will be expanded by columns.\n"
        "The concept of an \u201cactor\u201d is very general and can cover: People (their roles or jobs), systems, "
        "databases, organizations, and devices involved in or affected by the use case: e.g. operators, system "
        "administrators, technicians, end users, service personnel, executives, SCADA system, real-time database, "
        "regional transmission operator (RTO), remote terminal units (RTU), intelligent electronic devices (IED) "
        "and even the power system. It is recommended to use actors as described in the ENTSO-E role model."
    ),
    44: (
        "The actor list can be grouped in order to provide a better overview. Naming convention: For complex "
        "groupings, the group name can be \u201cdot-delimited\u201d. EXAMPLE (area.domain.) main.sub.subsub. The "
        "grouping may follow the suggested domains/zones previous section"
    ),
    45: "Brief description of the group",
    46: "Actor name according to an existing taxonomy OR actor name especifically defined for this project",
    47: (
        "If the actor is already defined in an existing and well-know actors taxonomy, just add here the name of "
        "the taxonomy (EXAMPLE: ENTSO-E role model). If not, here the type of actor should be provided"
    ),
    48: (
        "In case the actor is not described in any existing taxonomy, the description mandatory. If the actor is "
        "already described in a taxonomy and the taxonomy is specified in the previous field, this field is not "
        "required"
    ),
    50: "Insert one column per reference. These set of rows will be expanded by columns.",
    53: (
        "There are different reference types as shown in the examples above (e.g. standards, regulation, contract, "
        "others like publications)"
    ),
    54: (
        "Any references shall be identified that might restrict or affect the design, understanding, and "
        "requirements of the use case, including contracts, regulations, policies, financial considerations, "
        "engineering constraints, pollution constraints, and other environmental quality issues"
    ),
    55: "e.g. NP, CD, CDV, FDIS, IS",
    56: "Where does the document influence the use case? e.g. copy right, IPR",
    57: "Who published the document?",
    58: "If available, a public link can be provided (e.g. to the IEC webstore for standards).",
    60: "Focuses on describing scenarios of the use case with a step-step analysis (sequence description).",
    61: "Insert one column per condition. These set of rows will be expanded by columns",
    65: "describes which actor(s) trigger(s) this scenario.",
    66: "describes which event(s) trigger(s) this scenario.",
    67: "Describes which condition(s) should have been met before this scenario happens.",
    68: (
        "describes which condition(s) should prevail after this scenario happens The post conditions may also "
        "define \u201csuccess\u201d or \u201cfailure\u201d conditions for each use case."
    ),
    69: (
        "Insert one column per step. These set of rows will be expanded by columns.\n"
        "For the scenario, all the steps performed shall be described going from start to end using simple verbs "
        "like \u2013 get, put, cancel, subscribe etc. Steps shall be numbered sequentially \u2013 1, 2, 3 and so "
        "on.\n"
        "Should the scenario require detailed descriptions of steps that are also used by other use cases, it "
        "should be considered creating a new \u201csub\u201d use case, then referring to that \u201csubroutine\u201d "
        "in this scenario."
    ),
    70: "Refers to the name of one of the scenarios defined in the previous section",
    72: (
        "The event that triggers the step. This might be completion of the previous step.\n"
        "EXAMPLE A human requesting the function, data being reported periodically, or a power system event"
    ),
    73: "Label that would appear in a process diagram. Action verbs should be used when naming activity.",
    74: (
        "This describes what action takes place in this step. The focus should be less on the algorithms of the "
        "applications and more on the interactions and information flows between actors."
    ),
    75: _SERVICES,
    76: (
        "This identifies the producer or source of the information. This should be one of the actors in the "
        "reference template section."
    ),
    77: "This identifies the receiver of the information. This should also be one of the actors identified above",
    78: _INFORMATION_EXCHANGED,
    79: "Refers to the Number of one of the scenarios defined in the previous section",
    80: "Insert one column per information item. These set of rows will be expanded by columns.",
    81: (
        "the requirement id Can be used to define requirements referring to the information and not to the step as "
        "in the step by step analysis (see template section 6 below):\n"
        "EXAMPLE Data protection class corresponding to this information object."
    ),
    82: "Unique ID which identifies the selected information in the context of the use case.",
    83: "Unique ID which identifies the selected information in the context of the use case.",
    84: (
        "Brief description, in case a reference to existing data models/information classes should be added. Using "
        "existing canonical data models is recommended."
    ),
}
