"""`cati jobs work` knowing one more job kind, slow on purpose: a job to kill mid-run
(tests/cati/test_job_worker_killed.py). Run as ``python -m tests.cati.slow_job_worker``."""

import time

from cati import cli, jobs


@jobs.runner("test_slow")
def _slow(session, job, progress):
    for tenth in range(int(job.params["seconds"] * 10)):
        progress(1 + tenth % 99, "")
        time.sleep(0.1)
    return jobs.Output(result={"slept": job.params["seconds"]})


if __name__ == "__main__":
    cli.main(["jobs", "work"])
