# The two commands of the README:
#   make run    set up, then score the example notes and write a report
#   make test   set up (with the browser), lint, run the test suite
VENV := .venv/bin

.PHONY: setup run test lint train evaluate benchmark

setup:
	bash scripts/setup.sh

run: setup
	$(VENV)/klarsteg score examples/notes.csv -o out/scored.csv
	$(VENV)/klarsteg report out/scored.csv -o out/report.html
	@echo "scored notes: out/scored.csv   report: out/report.html"

lint:
	$(VENV)/ruff check model service scripts tests training_data
	$(VENV)/ruff format --check model service scripts tests training_data

test:
	bash scripts/setup.sh --browser
	$(MAKE) lint
	$(VENV)/pytest -q

train: setup
	$(VENV)/python scripts/train.py

evaluate: setup
	$(VENV)/python scripts/evaluate.py --split test
