//! Two instances on one database behave as one: nothing that must be shared lives in process memory.
use crate::common::*;

#[tokio::test]
async fn two_instances_share_sessions_and_links() {
    let first = TestServer::start().await;
    let db_url = first.db.as_ref().unwrap().url.clone();
    let second = TestServer::start_on(&db_url, None).await;
    let rae = first.add_user("rae", Some(GOOD_PASSWORD)).await;

    // Signed in on the first instance, the session works on the second.
    let browser = first.browser();
    let done = browser.login("rae", GOOD_PASSWORD).await;
    let token = cookie_value(&done.set_cookies(), "gatehouse_session").unwrap();
    let on_second = Browser::new(&second.base);
    let response = on_second
        .client
        .get(second.url("/account"))
        .header("cookie", format!("gatehouse_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    // A form loaded from one instance can be posted to the other (shared CSRF key).
    let jar_cookie = {
        let page = Browser::new(&first.base).get("/login").await;
        (
            cookie_value(&page.set_cookies(), "gatehouse_csrf").unwrap(),
            page.csrf(),
        )
    };
    let cross = on_second
        .client
        .post(second.url("/login"))
        .header("cookie", format!("gatehouse_csrf={}", jar_cookie.0))
        .form(&[
            ("csrf", jar_cookie.1.as_str()),
            ("username", "rae"),
            ("password", GOOD_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 303);

    // Signed out on the second instance, the session is gone on the first.
    let logout_page = on_second
        .client
        .get(second.url("/account"))
        .header("cookie", format!("gatehouse_session={token}"))
        .send()
        .await
        .unwrap();
    let set = logout_page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_string)
        .collect::<Vec<_>>();
    let body = logout_page.text().await.unwrap();
    let logout_csrf = body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let csrf_value = cookie_value(&set, "gatehouse_csrf").unwrap();
    let out = on_second
        .client
        .post(second.url("/logout"))
        .header(
            "cookie",
            format!("gatehouse_session={token}; gatehouse_csrf={csrf_value}"),
        )
        .form(&[("csrf", logout_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert_eq!(browser.get("/account").await.status, 303);

    // A reset link mailed by the first instance works on the second, once.
    let sent = first
        .browser()
        .submit("/password/forgot", "/password/forgot", &[("identifier", "rae")])
        .await;
    assert_eq!(sent.status, 200);
    let link = link_in(&first.mails(1).await[0]).replace(&first.base, &second.base);
    let reset = Browser::new(&second.base);
    let form = reset.get(&link).await;
    assert_eq!(form.status, 200);
    let token = form.input("token").unwrap();
    let new_password = "amber-falcon-crosses-river";
    let done = reset
        .post(
            "/password/reset",
            &[
                ("csrf", &form.csrf()),
                ("token", &token),
                ("password", new_password),
                ("password_confirm", new_password),
            ],
        )
        .await;
    assert_eq!(done.status, 200);
    assert_eq!(
        first
            .browser()
            .get(&link.replace(&second.base, &first.base))
            .await
            .status,
        400
    );
    assert_eq!(first.browser().login("rae", new_password).await.status, 303);
    assert!(first.session_count(&rae).await >= 1);
}
