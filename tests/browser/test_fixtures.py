"""The shared fixtures do what conftest.py says (and show how to use them)."""


def test_serve_dir_and_offsite_requests(tmp_path, serve_dir, page, offsite_requests):
    (tmp_path / "index.html").write_text(
        '<h1>local</h1><img alt="x" src="https://example.org/a.png">'
        '<script src="local.js"></script>')
    (tmp_path / "local.js").write_text("document.title = 'ran';")
    base = serve_dir(tmp_path)
    assert base.startswith("http://127.0.0.1:") and base.endswith("/")
    page.goto(base + "index.html")
    assert page.title() == "ran"                   # local requests go through
    assert offsite_requests == ["https://example.org/a.png"]   # recorded and blocked
