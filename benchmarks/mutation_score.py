"""Print the mutation score from mutmut's summary (used by `make mutate`).

The score counts a mutant as caught when a test failed (killed) or ran out
of time; mutants that no test runs count against the score, like survivors.
"""

import json
import sys


def main(path):
    with open(path) as handle:
        stats = json.load(handle)
    caught = stats["killed"] + stats["timeout"]
    judged = stats["total"] - stats["skipped"]
    if judged == 0:
        print("mutation score: no mutants were run")
        return 1
    print(f"mutation score: {caught / judged:.1%} ({caught} of {judged} mutants caught; "
          f"{stats['survived']} survived, {stats['no_tests']} not run by any test, "
          f"{stats['suspicious']} suspicious)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "mutants/mutmut-cicd-stats.json"))
