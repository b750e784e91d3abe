"""The scenarios of the harness, by name; those of features still to come raise NotAvailable."""

from bench.measure import Scenario
from bench.scenarios.importing import ImportScenario
from bench.scenarios.web import LoadScenario, PageScenario

SCENARIOS: dict[str, type[Scenario]] = {
    "import": ImportScenario,
    "page": PageScenario,
    "load": LoadScenario,
}
