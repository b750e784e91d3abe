"""The scenarios of the harness, by name; those of features still to come raise NotAvailable."""

from bench.measure import Scenario
from bench.scenarios.criteria import AddScenario, GoBackScenario, PreviewScenario, ReduceScenario, RefineScenario
from bench.scenarios.delivery import DeliveryScenario
from bench.scenarios.importing import ImportScenario
from bench.scenarios.merging import MergeScenario
from bench.scenarios.registering import LogScenario
from bench.scenarios.web import LoadScenario, PageScenario

SCENARIOS: dict[str, type[Scenario]] = {
    "import": ImportScenario,
    "preview": PreviewScenario,
    "add": AddScenario,
    "reduce": ReduceScenario,
    "refine": RefineScenario,
    "go_back": GoBackScenario,
    "log": LogScenario,
    "merge": MergeScenario,
    "delivery": DeliveryScenario,
    "page": PageScenario,
    "load": LoadScenario,
}
