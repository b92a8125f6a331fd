"""`pipeline-tools deploy package`: the deployer Lambda's zip, deterministic and self-sufficient."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import boto3

from pipeline_tools.deploy import package
from tests.support.cli import assert_one_line_error


def test_rebuilding_gives_the_same_bytes(cli, tmp_path: Path) -> None:
    first = cli("deploy", "package", "--out", str(tmp_path / "a.zip"))
    second = cli("deploy", "package", "--out", str(tmp_path / "b.zip"))
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    assert "pipeline_tools.deploy.handler.lambda_handler" in first.stdout
    assert "pipeline_tools.notify.alarm_handler.lambda_handler" in first.stdout
    assert "pipeline_tools.idp.handler.lambda_handler" in first.stdout
    assert "pipeline_tools.uploads.handler.lambda_handler" in first.stdout

    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert "pipeline_tools/deploy/handler.py" in names
    assert "pipeline_tools/notify/sender.py" in names
    # Only what the handler needs: not the CLI, plan/gate code, or third-party packages.
    assert not [n for n in names if n.startswith(("pipeline_tools/cli/commands/", "boto3/", "jinja2/"))]
    assert "pipeline_tools/cli/main.py" not in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_handler_imports_from_the_extracted_zip_alone(tmp_path: Path) -> None:
    built = package.build_zip(tmp_path / "deployer.zip")
    extracted = tmp_path / "lambda"
    with zipfile.ZipFile(built.path) as archive:
        archive.extractall(extracted)
    # As in Lambda: the zip's root on sys.path, boto3 from the runtime, and not our source tree.
    probe = f"""
import sys
sys.meta_path = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path.insert(0, {str(extracted)!r})
import pkgutil, importlib
import pipeline_tools
assert pipeline_tools.__file__.startswith({str(extracted)!r}), pipeline_tools.__file__
from pipeline_tools.deploy.handler import lambda_handler
from pipeline_tools.notify.alarm_handler import lambda_handler as alarm_handler
from pipeline_tools.idp.handler import lambda_handler as idp_handler
from pipeline_tools.uploads.handler import lambda_handler as uploads_handler
for sub in ("pipeline_tools.deploy", "pipeline_tools.idp", "pipeline_tools.notify", "pipeline_tools.uploads"):
    pkg = importlib.import_module(sub)
    for info in pkgutil.iter_modules(pkg.__path__):
        importlib.import_module(sub + "." + info.name)
outside = sorted(name for name, module in sys.modules.items()
                 if name.startswith("pipeline_tools")
                 and not (getattr(module, "__file__", "") or "").startswith({str(extracted)!r}))
heavy = [m for m in ("github", "jinja2", "hcl2", "requests") if m in sys.modules]
print(outside, heavy)
"""
    result = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True,
                            cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] []"


def test_upload_to_s3(cli, aws_env, tmp_path: Path) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="artifacts-h")
    s3.put_bucket_versioning(Bucket="artifacts-h", VersioningConfiguration={"Status": "Enabled"})
    out = tmp_path / "deployer.zip"
    result = cli("deploy", "package", "--out", str(out), "--upload", "s3://artifacts-h/deployer/lambda.zip",
                 env=aws_env)
    assert result.returncode == 0, result.stderr
    assert "uploaded to s3://artifacts-h/deployer/lambda.zip (version " in result.stdout
    body = s3.get_object(Bucket="artifacts-h", Key="deployer/lambda.zip")["Body"].read()
    assert body == out.read_bytes()


def test_upload_to_missing_bucket_is_external_error(cli, aws_env, tmp_path: Path) -> None:
    result = cli("deploy", "package", "--out", str(tmp_path / "x.zip"), "--upload", "s3://no-such-bucket-h/k",
                 env=aws_env)
    assert_one_line_error(result, code=3)


def test_bad_package_arguments_are_one_line_errors(cli, tmp_path: Path) -> None:
    assert_one_line_error(cli("deploy", "package"))
    assert_one_line_error(cli("deploy", "package", "--out", str(tmp_path / "z.zip"), "--cluster", "c"))
    assert_one_line_error(cli("deploy", "package", "--out", str(tmp_path / "missing-dir" / "z.zip")))
    bad_upload = ("--upload", "bucket/key")
    assert_one_line_error(cli("deploy", "package", "--out", str(tmp_path / "z.zip"), *bad_upload))
    assert not (tmp_path / "z.zip").exists()
    assert list(tmp_path.iterdir()) == []


def test_a_root_gets_the_package_where_its_tfvars_say_and_identical_to_out(cli, tmp_path: Path) -> None:
    # What plan and apply jobs run before terraform: the composition uploads that very file.
    root = tmp_path / "environments" / "dev"
    root.mkdir(parents=True)
    (root / "terraform.tfvars").write_text('deployer_package_path = ".build/deployer.zip"\nname = "x"\n')
    built = cli("deploy", "package", "--root", str(root))
    assert built.returncode == 0, built.stderr
    assert f"wrote {root / '.build' / 'deployer.zip'}" in built.stdout
    reference = cli("deploy", "package", "--out", str(tmp_path / "reference.zip"))
    assert reference.returncode == 0, reference.stderr
    assert (root / ".build" / "deployer.zip").read_bytes() == (tmp_path / "reference.zip").read_bytes()


def test_a_root_without_the_setting_gets_nothing(cli, tmp_path: Path) -> None:
    (tmp_path / "terraform.tfvars").write_text('name = "staging"\n')
    result = cli("deploy", "package", "--root", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "publishes no deployer package" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["terraform.tfvars"]


def test_an_auto_tfvars_file_wins_over_terraform_tfvars(tmp_path: Path) -> None:
    (tmp_path / "terraform.tfvars").write_text('deployer_package_path = "a/first.zip"\n')
    (tmp_path / "z.auto.tfvars").write_text('deployer_package_path = "b/second.zip"\n')
    assert package.path_for_root(tmp_path) == tmp_path / "b" / "second.zip"


def test_bad_root_settings_are_one_line_errors_and_write_nothing(cli, tmp_path: Path) -> None:
    for value in ('"../outside.zip"', '"/tmp/absolute.zip"', '"no-zip.tar"', "42"):
        (tmp_path / "terraform.tfvars").write_text(f"deployer_package_path = {value}\n")
        assert_one_line_error(cli("deploy", "package", "--root", str(tmp_path)))
    (tmp_path / "terraform.tfvars").write_text("deployer_package_path = [\n")
    assert_one_line_error(cli("deploy", "package", "--root", str(tmp_path)))
    assert_one_line_error(cli("deploy", "package", "--root", str(tmp_path / "missing")))
    assert_one_line_error(cli("deploy", "package", "--root", str(tmp_path), "--out", str(tmp_path / "x.zip")))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["terraform.tfvars"]
    assert not (tmp_path.parent / "outside.zip").exists()


def test_variable_files_merge_in_terraforms_order(tmp_path: Path) -> None:
    # terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) by name: later files win.
    from pipeline_tools.integrations.terraform import root_variable_values

    (tmp_path / "terraform.tfvars").write_text('a = "tfvars"\nb = "tfvars"\nc = "tfvars"\nd = "tfvars"\n')
    (tmp_path / "terraform.tfvars.json").write_text('{"b": "json", "c": "json", "d": "json"}')
    (tmp_path / "a.auto.tfvars.json").write_text('{"c": "a-auto-json", "d": "a-auto-json"}')
    (tmp_path / "b.auto.tfvars").write_text('d = "b-auto"\n')
    (tmp_path / "other.tfvars").write_text('a = "never loaded"\n')
    assert root_variable_values(tmp_path) == {"a": "tfvars", "b": "json", "c": "a-auto-json",
                                              "d": "b-auto"}


def test_a_json_variable_file_sets_the_package_path_too(cli, tmp_path: Path) -> None:
    (tmp_path / "terraform.tfvars.json").write_text('{"deployer_package_path": ".build/p.zip"}')
    assert package.path_for_root(tmp_path) == tmp_path / ".build" / "p.zip"
    (tmp_path / "terraform.tfvars.json").write_text('["not", "pairs"]')
    assert_one_line_error(cli("deploy", "package", "--root", str(tmp_path)))
    (tmp_path / "terraform.tfvars.json").write_text('{"deployer_package_path": ')
    assert_one_line_error(cli("deploy", "package", "--root", str(tmp_path)))
