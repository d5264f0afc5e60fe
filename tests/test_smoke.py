from pathlib import Path

from tests.conftest import Run, commit_count, head_subject


def test_add_prints_the_new_id_and_commits(dpe: Run, empty_repo: Path) -> None:
    r = dpe("member", "add", "--name", "王师傅", "--occupation", "truck", "--stage", "applicant")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "M-0001\n"
    assert head_subject(empty_repo) == "member add M-0001"
    assert commit_count(empty_repo) == 2
