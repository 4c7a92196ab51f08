# Shortcuts for the scripts in scripts/ (which need nothing but bash).
.PHONY: setup example test bench fuzz clean
setup:
	scripts/setup.sh
example:
	scripts/example.sh
test:
	scripts/test.sh
bench: setup
	.venv/bin/python bench/run.py --repeat 5
# Differential fuzzing against wasmtime, longer than CI's run (which has seeds
# 0-39): SEEDS=N START=S JOBS=J, KEEP=DIR to save each finding as a case.
fuzz: setup
	.venv/bin/python tests/fuzz.py --seeds $${SEEDS:-500} --start $${START:-1000} --jobs $${JOBS:-2} --quiet $${KEEP:+--keep "$$KEEP"}

clean:
	rm -rf build tests/.build bench/.build
