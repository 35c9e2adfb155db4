//! A real Chromium driven through Debian's `chromedriver`: one driver process and one browser
//! with an empty profile per test, killed together when the test ends (also when it fails).
//! Every page a test looks at is checked with axe-core, measured for horizontal scrolling at
//! phone width and at 200% zoom, and photographed at phone and desktop widths.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Once;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use thirtyfour::prelude::*;

use crate::harness::{PASSWORD, TestApp};

/// axe-core 4.14.1 from npm (`axe.min.js`, MPL-2.0, its licence header kept in the file).
const AXE_SOURCE: &str = include_str!("axe.min.js");

/// Long enough for a loaded machine (two cores shared with other builds), short enough that a
/// broken page fails in reasonable time.
const WAIT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(50);

/// The widths the README promises: a phone and a laptop.
pub const PHONE: Viewport = Viewport { name: "phone", width: 390, height: 844, scale: 1.0, mobile: true };
pub const DESKTOP: Viewport = Viewport { name: "desktop", width: 1440, height: 900, scale: 1.0, mobile: false };
/// A 1440-pixel screen at 200% zoom: the page gets 720 CSS pixels at two device pixels each.
pub const ZOOM_200: Viewport = Viewport { name: "zoom-200", width: 720, height: 450, scale: 2.0, mobile: false };
/// WCAG 2.1 reflow (1.4.10): content fits 320 CSS pixels without scrolling sideways.
pub const REFLOW_320: Viewport = Viewport { name: "reflow-320", width: 320, height: 640, scale: 1.0, mobile: true };

#[derive(Clone, Copy, Debug)]
pub struct Viewport {
    pub name: &'static str,
    pub width: u32,
    pub height: u32,
    pub scale: f64,
    pub mobile: bool,
}

pub struct Browser {
    pub driver: WebDriver,
    base: String,
    chromedriver: Child,
    _profile: tempfile::TempDir,
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|candidate| candidate.is_file())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("no free port")
}

/// Where the screenshots go: `target/screenshots/{phone,desktop}/`.
pub fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| {
        // The test binary lives in target/<profile>/deps/.
        std::env::current_exe()
            .ok()
            .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
    });
    target.join("screenshots")
}

/// Says once per run that the browser tests did not run, or fails under CI.
fn not_installed(missing: &str) {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "{missing} is not installed, and CI=true requires the browser tests: .ci/run installs it with apt-get install chromium chromium-driver"
        );
    }
    static SAID: Once = Once::new();
    SAID.call_once(|| {
        // Straight to stderr: the test runner hides what a passing test prints with eprintln!.
        let _ = writeln!(
            std::io::stderr(),
            "Browser tests did not run: {missing} was not found. Install Chromium and its driver (Debian: apt-get install chromium chromium-driver) to run them."
        );
    });
}

impl Browser {
    /// A fresh Chromium on `app`, at desktop size; None (with a line saying so) without Chromium.
    pub async fn open(app: &TestApp) -> Option<Browser> {
        let Some(chromedriver) = on_path("chromedriver") else {
            not_installed("chromedriver");
            return None;
        };
        let Some(chromium) = on_path("chromium").or_else(|| on_path("chromium-browser")) else {
            not_installed("chromium");
            return None;
        };
        let port = free_port();
        // Its own process group, so that killing the group also ends the browser it started.
        let mut child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start chromedriver");
        let url = format!("http://127.0.0.1:{port}");
        let status = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(response) = status.get(format!("{url}/status")).send().await
                && response.status().is_success()
            {
                break;
            }
            if started.elapsed() > WAIT {
                let _ = child.kill();
                panic!("chromedriver did not answer on {url} within {WAIT:?}");
            }
            tokio::time::sleep(POLL).await;
        }
        let profile = tempfile::tempdir().expect("a folder for the browser profile");
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(&chromium.to_string_lossy()).unwrap();
        for arg in [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1440,900",
            "--lang=en-US",
        ] {
            caps.add_arg(arg).unwrap();
        }
        caps.add_arg(&format!("--user-data-dir={}", profile.path().display())).unwrap();
        let driver = match WebDriver::new(url, caps).await {
            Ok(driver) => driver,
            Err(e) => {
                kill_group(&mut child);
                panic!("Chromium did not start through chromedriver: {e}");
            }
        };
        let browser =
            Browser { driver, base: format!("http://{}", app.address), chromedriver: child, _profile: profile };
        browser.viewport(DESKTOP).await;
        Some(browser)
    }

    /// Ends the session and the driver; the driver's process group goes too.
    pub async fn close(mut self) {
        let _ = self.driver.clone().quit().await;
        kill_group(&mut self.chromedriver);
    }

    pub async fn viewport(&self, viewport: Viewport) {
        self.driver
            .cdp()
            .send_raw(
                "Emulation.setDeviceMetricsOverride",
                json!({
                    "width": viewport.width,
                    "height": viewport.height,
                    "deviceScaleFactor": viewport.scale,
                    "mobile": viewport.mobile,
                }),
            )
            .await
            .expect("set the viewport");
        // The override applies asynchronously: until the page has its new width, what a test
        // reads next (what is on screen, what scrolls sideways) is of the old one. A page wider
        // than a phone never gets the phone's width (the layout viewport grows to fit it), so
        // the wait is bounded and the assertions that follow say what is wrong.
        let started = Instant::now();
        let resized = format!("return window.innerWidth === {};", viewport.width);
        while self.js(&resized, vec![]).await != json!(true) && started.elapsed() < Duration::from_secs(2) {
            tokio::time::sleep(POLL).await;
        }
    }

    /// Turns the page's own scripts off (htmx included), as for a person without JavaScript.
    pub async fn without_javascript(&self) {
        self.driver
            .cdp()
            .send_raw("Emulation.setScriptExecutionDisabled", json!({ "value": true }))
            .await
            .expect("disable scripts");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Opens `path` and waits until the page has loaded.
    pub async fn goto(&self, path: &str) {
        self.driver.goto(self.url(path)).await.unwrap_or_else(|e| panic!("open {path}: {e}"));
        self.wait_loaded().await;
    }

    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.driver
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
            .json()
            .clone()
    }

    /// The path and query of the page shown.
    pub async fn path(&self) -> String {
        let url = self.driver.current_url().await.expect("current url");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// The page's visible text.
    pub async fn text(&self) -> String {
        self.js("return document.body ? document.body.innerText : '';", vec![])
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    async fn wait_until<F, Fut>(&self, what: &str, mut condition: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let started = Instant::now();
        while !condition().await {
            if started.elapsed() > WAIT {
                let path = self.path().await;
                let text = self.text().await;
                panic!("waited {WAIT:?} for {what} on {path}; the page says:\n{text}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn wait_loaded(&self) {
        self.wait_until("the page to load", || async {
            self.js("return document.readyState === 'complete';", vec![]).await == json!(true)
        })
        .await;
    }

    /// Waits until the page shows `text` (after a redirect, an htmx swap, ...).
    pub async fn wait_for_text(&self, text: &str) {
        self.wait_until(&format!("the text {text:?}"), || async { self.text().await.contains(text) }).await;
    }

    /// The element `css` selects, once it exists.
    pub async fn find(&self, css: &str) -> WebElement {
        let started = Instant::now();
        loop {
            if let Ok(element) = self.driver.find(By::Css(css)).await {
                return element;
            }
            if started.elapsed() > WAIT {
                let path = self.path().await;
                panic!("no element {css} on {path} after {WAIT:?}:\n{}", self.text().await);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Types `text` into the field `css` in place of what it held.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clear the field");
        field.send_keys(text).await.unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Chooses the option labelled `label` in the select `css`.
    pub async fn choose(&self, css: &str, label: &str) {
        let select = self.find(css).await;
        let option = select
            .find(By::XPath(format!(".//option[normalize-space()={label:?}]")))
            .await
            .unwrap_or_else(|_| panic!("no option {label:?} in {css}"));
        option.click().await.expect("choose the option");
    }

    /// Clicks `css` (a link or a submit button) and waits for the next page to load.
    pub async fn click_and_wait(&self, css: &str) {
        let element = self.find(css).await;
        self.js("window.__aspireOldPage = true;", vec![]).await;
        element.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
        self.wait_for_next_page().await;
    }

    /// Waits until the page marked before an action has been replaced by a loaded one.
    pub async fn wait_for_next_page(&self) {
        self.wait_until("the next page", || async {
            self.driver
                .execute("return !window.__aspireOldPage && document.readyState === 'complete';", vec![])
                .await
                .map(|r| r.json() == &json!(true))
                .unwrap_or(false)
        })
        .await;
    }

    /// Marks the page, so that `wait_for_next_page` can tell when a keyboard action replaced it.
    pub async fn mark_page(&self) {
        self.js("window.__aspireOldPage = true;", vec![]).await;
    }

    /// Signs in through the login form.
    pub async fn sign_in(&self, email: &str) {
        // Whoever was signed in before is forgotten, as after signing out.
        self.goto("/login").await;
        self.driver.delete_all_cookies().await.expect("forget the cookies");
        self.goto("/login").await;
        self.fill("#email", email).await;
        self.fill("#password", PASSWORD).await;
        self.click_and_wait("form[action='/login'] button[type=submit]").await;
        assert_eq!(self.path().await, "/", "{email} is signed in and at home: {}", self.text().await);
    }

    /// Presses the mouse on `source` and moves it, held, to the middle of `target`.
    pub async fn hold_and_move(&self, source: &str, target: &str) {
        let (source, target) = (self.find(source).await, self.find(target).await);
        self.driver
            .action_chain()
            .click_and_hold_element(&source)
            .move_by_offset(0, 8)
            .move_to_element_center(&target)
            .perform()
            .await
            .expect("hold and move the mouse");
    }

    /// Lets go of the mouse button where the mouse is.
    pub async fn release_mouse(&self) {
        self.driver.action_chain().release().perform().await.expect("let go of the mouse");
    }

    /// Presses keys as a keyboard would, on whatever has the focus.
    pub async fn press(&self, key: Key) {
        self.driver.action_chain().send_keys(key).perform().await.expect("press a key");
    }

    /// Shift+Tab: the focus goes back one control.
    pub async fn press_shift_tab(&self) {
        let chain = self.driver.action_chain().key_down(Key::Shift).send_keys(Key::Tab).key_up(Key::Shift);
        chain.perform().await.expect("press shift+tab");
    }

    /// Types text as a keyboard would, into whatever has the focus.
    pub async fn type_text(&self, text: &str) {
        self.driver.action_chain().send_keys(text).perform().await.expect("type");
    }

    /// What has the keyboard focus, described as a person would read it: its label or text.
    pub async fn focused(&self) -> Focused {
        let value = self
            .js(
                r#"const e = document.activeElement;
                const label = e.labels && e.labels.length ? e.labels[0].innerText
                    : (e.getAttribute('aria-label') || e.innerText || e.value || '');
                const style = getComputedStyle(e);
                const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
                const shadow = style.boxShadow !== 'none';
                const box = e.getBoundingClientRect();
                const onScreen = box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
                    && box.left < innerWidth && box.top < innerHeight;
                return { label: label.trim(),
                         indicator: outline || shadow, on_screen: onScreen, checked: !!e.checked };"#,
                vec![],
            )
            .await;
        serde_json::from_value(value).expect("the focused element")
    }

    /// Checks the page as it is, then photographs it: axe-core at desktop and phone widths, no
    /// sideways scrolling on a phone, at 200% zoom or at 320 pixels, and no layout shift.
    /// Screenshots go to `target/screenshots/{phone,desktop}/<name>.png`.
    pub async fn look(&self, name: &str) {
        self.assert_no_layout_shift(name).await;
        for viewport in [DESKTOP, PHONE] {
            self.viewport(viewport).await;
            self.assert_accessible(&format!("{name} ({})", viewport.name)).await;
            self.screenshot(viewport, name).await;
        }
        for viewport in [PHONE, ZOOM_200, REFLOW_320] {
            self.viewport(viewport).await;
            self.assert_no_sideways_scroll(&format!("{name} ({})", viewport.name)).await;
        }
        self.viewport(DESKTOP).await;
    }

    /// The page as a person first sees it, from the top.
    async fn screenshot(&self, viewport: Viewport, name: &str) {
        self.js("window.scrollTo(0, 0);", vec![]).await;
        let dir = screenshot_dir().join(viewport.name);
        std::fs::create_dir_all(&dir).expect("create the screenshot folder");
        let png = self.driver.screenshot_as_png().await.expect("screenshot");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write the screenshot");
    }

    /// Runs axe-core's WCAG 2.1 A and AA rules; fails with each rule, its help and the elements.
    pub async fn assert_accessible(&self, page: &str) {
        let loaded = self.js("return typeof window.axe !== 'undefined';", vec![]).await;
        if loaded != json!(true) {
            // Run through WebDriver, so the page's Content-Security-Policy does not apply.
            self.js(&format!("{AXE_SOURCE}\nreturn true;"), vec![]).await;
        }
        let script = r#"const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                                resultTypes: ['violations'] })
               .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary.replace(/\s+/g, ' ')) }))))
               .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));"#;
        let violations = self.driver.execute_async(script, vec![]).await.expect("run axe").json().clone();
        let violations: Vec<Violation> = serde_json::from_value(violations).expect("axe results");
        if !violations.is_empty() {
            let report: Vec<String> = violations
                .iter()
                .map(|v| {
                    format!(
                        "- {} ({}): {}\n    {}",
                        v.id,
                        v.impact.as_deref().unwrap_or("?"),
                        v.help,
                        v.nodes.join("\n    ")
                    )
                })
                .collect();
            panic!("{page} ({}) breaks WCAG 2.1 AA:\n{}", self.path().await, report.join("\n"));
        }
    }

    async fn assert_no_sideways_scroll(&self, page: &str) {
        let sizes = self
            .js(
                "return [document.documentElement.scrollWidth, document.documentElement.clientWidth, \
                 [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > \
                 document.documentElement.clientWidth + 1 && !e.closest('.scroll')).slice(0, 5) \
                 .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''))];",
                vec![],
            )
            .await;
        let (scroll, client) = (sizes[0].as_i64().unwrap_or(0), sizes[1].as_i64().unwrap_or(0));
        assert!(
            scroll <= client,
            "{page} scrolls sideways: {scroll} px of content in {client} px; too wide: {}",
            sizes[2]
        );
    }

    async fn assert_no_layout_shift(&self, page: &str) {
        let script = r#"const done = arguments[arguments.length - 1];
            let total = 0;
            const moved = [];
            const describe = n => !n || !n.tagName ? String(n && n.nodeName)
                : n.tagName.toLowerCase() + (n.id ? '#' + n.id : '') + (n.className ? '.' + n.className : '');
            new PerformanceObserver(list => {
                for (const e of list.getEntries()) {
                    if (e.hadRecentInput) continue;
                    total += e.value;
                    for (const s of e.sources || []) moved.push(describe(s.node) + ' ' + JSON.stringify(s.previousRect)
                        + ' -> ' + JSON.stringify(s.currentRect));
                }
            }).observe({ type: 'layout-shift', buffered: true });
            requestAnimationFrame(() => setTimeout(() => done([total, moved.slice(0, 5)]), 0));"#;
        let measured = self.driver.execute_async(script, vec![]).await.expect("measure layout shift").json().clone();
        let shift = measured[0].as_f64().unwrap_or(0.0);
        assert!(
            shift < 0.01,
            "{page} shifts its layout as it loads (cumulative layout shift {shift:.3}); moved: {}",
            measured[1]
        );
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A failed test never reaches close(): end the driver and its browser here too.
        kill_group(&mut self.chromedriver);
    }
}

fn kill_group(child: &mut Child) {
    if let Ok(None) = child.try_wait() {
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[derive(Debug, serde::Deserialize)]
pub struct Focused {
    pub label: String,
    /// A focus outline (at least 2 px) or ring can be seen.
    pub indicator: bool,
    pub on_screen: bool,
    pub checked: bool,
}

#[derive(Debug, serde::Deserialize)]
struct Violation {
    id: String,
    impact: Option<String>,
    help: String,
    nodes: Vec<String>,
}
