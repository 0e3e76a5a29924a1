//! The GitHub Actions workflow an export can add: `galley eval` on every blueprint file that has
//! a dataset of the same name, on every pull request, failing the check below the thresholds.

/// Where the workflow goes, relative to the exported folder (the repository's root).
pub(super) const WORKFLOW_FILE: &str = ".github/workflows/galley-eval.yml";

/// The workflow's text. It installs the `galley` CLI from the source named by the repository
/// variable `GALLEY_GIT_URL`, takes AWS credentials from the role in `AWS_ROLE_ARN` (OpenID
/// Connect, no stored keys), and evaluates `blueprints/NAME.galley.yaml` at its `prod` label on
/// `datasets/NAME.csv`, writing one JUnit report per blueprint.
pub(super) fn text() -> String {
    r#"# Written by `galley export --workflow`. Evaluates each blueprint at its prod label on the
# dataset of the same name (blueprints/NAME.galley.yaml with datasets/NAME.csv) and fails the
# check when a version scores below its thresholds.
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
          for file in blueprints/*.galley.yaml; do
            name="$(basename "$file" .galley.yaml)"
            if [ ! -f "datasets/$name.csv" ]; then
              echo "::notice file=$file::no datasets/$name.csv: not evaluated"
              continue
            fi
            galley eval "$file" --label prod --dataset "datasets/$name.csv" \
              --junit "reports/$name.xml" --markdown "reports/$name.md" || status=$?
            cat "reports/$name.md" >> "$GITHUB_STEP_SUMMARY" || true
          done
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
