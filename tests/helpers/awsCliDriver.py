# The AWS CLI's own entry point (awscli.clidriver.main, what /usr/bin/aws runs), called once per
# command in one interpreter: a JSON line {argv, env} in, a JSON line {code, stdout, stderr} out.
# It saves the ~0.7 s of CPU each `aws` process spends importing botocore; tests/helpers/awsCli.ts.
import contextlib
import io
import json
import os
import sys

before = dict(os.environ)
import awscli.clidriver  # noqa: E402 (its import sets AWS_DATA_PATH, which every command needs)

set_by_import = {k: v for k, v in os.environ.items() if before.get(k) != v}

for line in sys.stdin:
    request = json.loads(line)
    os.environ.clear()
    os.environ.update(request["env"], **set_by_import)
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = awscli.clidriver.AWSCLIEntryPoint().main(request["argv"])
        except SystemExit as e:  # argparse's usage errors exit, as the binary does
            code = e.code if isinstance(e.code, int) else 1
    out.flush()
    err.flush()
    answer = {"code": code or 0, "stdout": out.buffer.getvalue().decode(), "stderr": err.buffer.getvalue().decode()}
    sys.__stdout__.write(json.dumps(answer) + "\n")
    sys.__stdout__.flush()
