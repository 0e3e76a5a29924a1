//! The GitHub Actions workflow an export can add: `galley eval .` on every pull request, which
//! evaluates every blueprint file that has a dataset of the same name and fails the check below
//! the thresholds.

/// Where the workflow goes, relative to the exported folder (the repository's root).
pub(super) const WORKFLOW_FILE: &str = ".github/workflows/galley-eval.yml";

/// The workflow's text. It installs the `galley` CLI from the source named by the repository
/// variable `GALLEY_GIT_URL`, takes AWS credentials from the role in `AWS_ROLE_ARN` (OpenID
/// Connect, no stored keys), and runs `galley eval .` once: each `blueprints/NAME.galley.yaml`
/// at its `prod` label on `datasets/NAME.csv` (or `.jsonl`), one JUnit file and one Markdown
/// summary for all of them.
pub(super) fn text() -> String {
    r#"# Written by `galley export --workflow`. Evaluates each blueprint at its prod label on the
# dataset of the same name (blueprints/NAME.galley.yaml with datasets/NAME.csv or .jsonl) and
# fails the check when a version scores below its thresholds. Blueprints without such a dataset,
# or without a prod label, are listed as not evaluated. One JUnit report (reports/galley.xml)
# and one Markdown summary (reports/galley.md, also on the run's summary page) cover them all.
#
# Repository settings it needs (Settings → Secrets and variables → Actions → Variables):
#   GALLEY_GIT_URL  the git URL of the Galley source to install the CLI from
#   AWS_ROLE_ARN    an IAM role this repository may assume (OpenID Connect) with bedrock:InvokeModel
#   AWS_REGION      the Bedrock region, e.g. us-east-1
name: galley eval

on:
  pull_request:
    paths:
      - "blueprints/**"
      - "datasets/**"
  workflow_dispatch:

permissions:
  contents: read
  id-token: write

jobs:
  eval:
    runs-on: ubuntu-latest
    timeout-minutes: 60
    steps:
      - uses: actions/checkout@v4
      - name: Install galley
        run: cargo install --locked --git "${{ vars.GALLEY_GIT_URL }}" galley-cli
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: ${{ vars.AWS_ROLE_ARN }}
          aws-region: ${{ vars.AWS_REGION }}
      - name: Evaluate blueprints
        run: |
          set -u
          mkdir -p reports
          status=0
          galley eval . --label prod --junit reports/galley.xml --markdown reports/galley.md \
            || status=$?
          cat reports/galley.md >> "$GITHUB_STEP_SUMMARY" || true
          exit "$status"
        env:
          GALLEY_DATA_DIR: ${{ runner.temp }}/galley
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: galley-eval-reports
          path: reports/
"#
    .to_string()
}
