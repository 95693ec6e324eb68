"""Control 28: what people type never forges a log line, and no secret reaches the log."""

import logging

from sqlalchemy import exc

from tests.conftest import PASSWORD, outbox_links, path_of

NEW_PASSWORD = "quiet harbour lantern 58 meadow"


def test_no_password_token_or_cookie_reaches_the_log(app, client, runner, make_user, caplog):
    user = make_user("logged@example.org")
    caplog.set_level(logging.DEBUG)

    client.post("/auth/login", data={"email": user.email, "password": "wrong " + PASSWORD})
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    session_cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    client.post("/auth/logout")
    client.post("/auth/reset", data={"email": user.email})
    link = next(link for link in outbox_links(app, user.email) if "/auth/reset/" in link)
    token = path_of(link).rsplit("/", 1)[1]
    assert client.post(path_of(link), data={"password": NEW_PASSWORD}).status_code == 302
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0  # delivers the reset mail

    assert "mail: " in caplog.text, "the worker's pass should be in the log we look through"
    logged = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    for secret in (PASSWORD, NEW_PASSWORD, token, session_cookie):
        assert secret not in logged


def test_a_line_break_in_what_someone_typed_cannot_forge_a_log_line(make_app, caplog):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/broken/<rest>")
    def broken(rest):
        raise exc.OperationalError("SELECT 1", {}, Exception("database is locked"))

    caplog.set_level(logging.WARNING)
    response = app.test_client().get("/broken/x%0AINFO%20login%20ok%20user=admin")

    assert response.status_code == 503
    messages = [record.getMessage() for record in caplog.records]
    assert messages and all("\n" not in message for message in messages)
    assert any("\\n" in message for message in messages)
