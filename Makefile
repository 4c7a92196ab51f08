# Shortcuts for the scripts in scripts/ (which need nothing but bash).
.PHONY: setup example test bench clean
setup:
	scripts/setup.sh
example:
	scripts/example.sh
test:
	scripts/test.sh
bench: setup
	.venv/bin/python bench/run.py --repeat 5
clean:
	rm -rf build tests/.build bench/.build
