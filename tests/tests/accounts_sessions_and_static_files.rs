//! The HTTP side of accounts: login (bearer and cookie), `/api/me` with the documents a user may
//! open, logout, the login throttle, who may see the merged status; and the built client's static
//! files with their MIME types, compression and cache headers.

use tiendo_tests::{TestServer, data_dir};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const INSPECTORATE: &str = "thanh-tra-so";
const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

#[test]
fn first_start_creates_one_account_per_unit_its_head_and_an_admin() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let accounts = &server.startup.demo_accounts;
    assert_eq!(
        accounts.len(),
        14,
        "6 units + the heads of the 5 reporting units + the agency's head + the province's \
         appraisal team + admin"
    );
    let role_of = |name: &str| {
        accounts
            .iter()
            .find(|a| a.username == name)
            .map(|a| a.role.as_str())
    };
    assert_eq!(role_of("giamdoc"), Some("agency_head"));
    assert_eq!(role_of("thamdinh"), Some("province_appraiser"));
    // Short, typeable names: the central office `vanphong`, a unit its stem, its head `.truong`.
    let office = accounts.iter().find(|a| a.username == "vanphong").unwrap();
    assert_eq!(office.role.as_str(), "agency_admin", "the central office");
    assert_eq!(office.unit_id.as_deref(), Some(OFFICE));
    let inspect = accounts.iter().find(|a| a.username == "thanhtra").unwrap();
    assert_eq!(inspect.role.as_str(), "unit_editor");
    assert_eq!(inspect.unit_id.as_deref(), Some(INSPECTORATE));
    let head = accounts
        .iter()
        .find(|a| a.username == "thanhtra.truong")
        .unwrap();
    assert_eq!(head.role.as_str(), "unit_head");
    assert_eq!(head.unit_id.as_deref(), Some(INSPECTORATE));
    assert!(
        !accounts.iter().any(|a| a.username == "vanphong.truong"
            || (a.unit_id.as_deref() == Some(OFFICE) && a.role.as_str() == "unit_head")),
        "the central office reports nothing to itself"
    );
    assert!(
        accounts.iter().all(|a| !a.username.contains('-')),
        "no unit id as a login: {:?}",
        accounts.iter().map(|a| &a.username).collect::<Vec<_>>()
    );
    let admin = accounts.last().unwrap();
    assert_eq!(
        (
            admin.username.as_str(),
            admin.role.as_str(),
            admin.unit_id.as_deref()
        ),
        ("admin", "system_admin", None)
    );
    let mut passwords: Vec<&str> = accounts.iter().map(|a| a.password.as_str()).collect();
    passwords.sort();
    passwords.dedup();
    assert_eq!(
        passwords.len(),
        accounts.len(),
        "every password is generated separately"
    );
}

#[test]
fn me_lists_exactly_the_documents_a_user_may_open() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let token = server.login_demo(INSPECTORATE);
    let (code, me) = server.get_json_as(&token, "/api/me");
    assert_eq!(code, 200, "{me}");
    assert_eq!(me["user"]["username"], server.demo_username(INSPECTORATE));
    assert_eq!(me["user"]["role"], "unit_editor");
    assert_eq!(me["unit"]["name"], "Thanh tra Sở");
    assert_eq!(me["agency"]["name"], "Sở Khoa học và Công nghệ");
    let docs = me["documents"].as_array().unwrap();
    let kinds: Vec<(&str, &str)> = docs
        .iter()
        .map(|d| (d["kind"].as_str().unwrap(), d["access"].as_str().unwrap()))
        .collect();
    assert_eq!(docs.len(), 3, "plan, organisation, own progress: {kinds:?}");
    assert!(kinds.contains(&("plan", "read")));
    assert!(kinds.contains(&("org", "read")));
    assert!(kinds.contains(&("progress", "write")));
    let own = docs.iter().find(|d| d["kind"] == "progress").unwrap();
    assert_eq!(own["unit_id"], INSPECTORATE);
    assert!(own["url"].as_str().unwrap().starts_with("automerge:"));

    let office = server.login_demo(OFFICE);
    let (_, me) = server.get_json_as(&office, "/api/me");
    assert_eq!(
        me["documents"].as_array().unwrap().len(),
        8,
        "the central office opens the whole agency"
    );
}

#[test]
fn the_merged_status_is_for_the_central_office_and_above() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let path = format!("/api/plans/{PLAN}/status?as_of=2025-04-01");
    let (code, body) = server.get_json(&path);
    assert_eq!(
        (code, body["code"].as_str()),
        (401, Some("unauthenticated"))
    );
    let editor = server.login_demo(INSPECTORATE);
    let (code, body) = server.get_json_as(&editor, &path);
    assert_eq!((code, body["code"].as_str()), (403, Some("forbidden")));
    let (code, plans) = server.get_json_as(&editor, "/api/plans");
    assert_eq!(code, 200);
    assert_eq!(
        plans.as_array().unwrap().len(),
        1,
        "a unit sees its agency's plan"
    );
    for user in [OFFICE, "admin"] {
        let token = server.login_demo(user);
        let (code, s) = server.get_json_as(&token, &path);
        assert_eq!(code, 200, "{user}: {s}");
        assert_eq!(s["headline"]["total"], 43);
    }
}

#[test]
fn login_sets_a_cookie_that_works_like_the_bearer_token_until_logout() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let mut resp = agent()
        .post(&server.url("/api/login"))
        .send_json(serde_json::json!({
            "username": server.demo_username(INSPECTORATE),
            "password": server.password(INSPECTORATE),
        }))
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let cookie = resp
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("tiendo_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let body: serde_json::Value = resp.body_mut().read_json().unwrap();
    assert!(body.get("password_hash").is_none() && body["user"].get("password_hash").is_none());
    let pair = cookie.split(';').next().unwrap().to_string();
    let me = |pair: &str| {
        agent()
            .get(&server.url("/api/me"))
            .header("Cookie", pair)
            .call()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(me(&pair), 200);
    let resp = agent()
        .post(&server.url("/api/logout"))
        .header("Cookie", &pair)
        .send_empty()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(
        resp.headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(me(&pair), 401, "the session ended");
}

#[test]
fn repeated_failed_logins_are_locked_out_and_bad_bodies_are_clear_errors() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let login = |user: &str, pw: &str| {
        server.post_json(
            "/api/login",
            None,
            serde_json::json!({ "username": user, "password": pw }),
        )
    };
    let (code, body) = login("khong-co-ai", "sai-mat-khau");
    assert_eq!(
        (code, body["code"].as_str()),
        (401, Some("unauthenticated"))
    );
    let inspectorate = server.demo_username(INSPECTORATE);
    for _ in 0..4 {
        let (code, _) = login(&inspectorate, "sai-mat-khau");
        assert_eq!(code, 401);
    }
    let (code, _) = login(&inspectorate, "sai-mat-khau");
    assert_eq!(code, 401, "the fifth failure still answers normally");
    let right = server.password(INSPECTORATE);
    let (code, body) = login(&inspectorate, &right);
    assert_eq!(code, 429, "locked out even with the right password: {body}");
    assert_eq!(body["code"], "too_many_attempts");
    // Another user is not affected.
    let (code, _) = login(&server.demo_username(OFFICE), &server.password(OFFICE));
    assert_eq!(code, 200);

    let resp = agent()
        .post(&server.url("/api/login"))
        .header("Content-Type", "application/json")
        .send("{\"username\": 5")
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let (code, body) = server.post_json("/api/login", None, serde_json::json!({ "username": "x" }));
    assert_eq!(code, 400, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("password"),
        "{body}"
    );
}

#[test]
fn static_files_have_their_types_compression_and_cache_policy() {
    let dir = data_dir();
    let site = data_dir();
    let wasm = "tiendo-client-0123456789abcdef_bg.wasm";
    std::fs::write(
        site.path().join("index.html"),
        "<!doctype html><title>Tiến độ</title>",
    )
    .unwrap();
    std::fs::write(
        site.path().join("sw.js"),
        "self.addEventListener('fetch', () => {});",
    )
    .unwrap();
    std::fs::write(site.path().join("manifest.webmanifest"), "{}").unwrap();
    std::fs::write(site.path().join(wasm), vec![0u8; 4096]).unwrap();
    // The build's pre-compressed forms beside an asset (here with their own content, so the test
    // sees which file answered).
    let js = "tiendo-client-0123456789abcdef.js";
    std::fs::write(site.path().join(js), "raw();").unwrap();
    let mut br = Vec::new();
    brotli::BrotliCompress(
        &mut &b"from_the_brotli_file();"[..],
        &mut br,
        &Default::default(),
    )
    .unwrap();
    std::fs::write(site.path().join(format!("{js}.br")), br).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, b"from_the_gzip_file();").unwrap();
    std::fs::write(site.path().join(format!("{js}.gz")), gz.finish().unwrap()).unwrap();
    let static_dir = site.path().to_path_buf();
    let server = TestServer::start_with(dir.path(), |c| c.static_dir = static_dir);
    let get = |path: &str| {
        agent()
            .get(&server.url(path))
            .header("Accept-Encoding", "gzip, br")
            .call()
            .unwrap()
    };
    let header = |r: &ureq::http::Response<ureq::Body>, h: &str| {
        r.headers()
            .get(h)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let r = get(&format!("/{wasm}"));
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(header(&r, "content-type"), "application/wasm");
    assert_eq!(
        header(&r, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(
        !header(&r, "content-encoding").is_empty(),
        "the wasm is compressed"
    );
    for path in ["/", "/index.html", "/sw.js", "/manifest.webmanifest"] {
        let r = get(path);
        assert_eq!(r.status().as_u16(), 200, "{path}");
        assert_eq!(header(&r, "cache-control"), "no-cache", "{path}");
    }
    assert!(header(&get("/sw.js"), "content-type").contains("javascript"));
    // Pre-compressed files are served as built, brotli first, then gzip; without either, as is.
    let fetch = |accept: &str| {
        let mut r = agent()
            .get(&server.url(&format!("/{js}")))
            .header("Accept-Encoding", accept)
            .call()
            .unwrap();
        let encoding = header(&r, "content-encoding");
        let bytes = r.body_mut().read_to_vec().unwrap();
        let text = match encoding.as_str() {
            "br" => {
                let mut out = Vec::new();
                brotli::BrotliDecompress(&mut &bytes[..], &mut out).unwrap();
                out
            }
            "gzip" => {
                let mut out = Vec::new();
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut out)
                    .unwrap();
                out
            }
            _ => bytes,
        };
        (encoding, String::from_utf8(text).unwrap())
    };
    assert_eq!(
        fetch("gzip, br"),
        ("br".into(), "from_the_brotli_file();".into())
    );
    // (ureq undoes gzip itself and drops the header; the body still tells which file answered.)
    assert_eq!(fetch("gzip").1, "from_the_gzip_file();");
    assert_eq!(fetch("identity"), ("".into(), "raw();".into()));
    // A file that is not there (an old build's wasm) is not found, and not cached as such.
    let missing = agent()
        .get(&server.url("/tiendo-client-00000000000000ff_bg.wasm"))
        .call()
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    assert_eq!(header(&missing, "cache-control"), "no-cache");
    let r = get("/bao-cao/quy-1");
    assert_eq!(r.status().as_u16(), 200, "client routes get the app shell");
    assert!(header(&r, "content-type").starts_with("text/html"));
    let r = get("/api/khong-co");
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(header(&r, "cache-control"), "no-store");
}
