//! `tiendo serve`: binds the port, opens the data directory (seeding it on first start),
//! prints the URL and demo logins, and serves until SIGINT/SIGTERM.
//!
//! Stage: *operations*, the server's start.

use anyhow::Context;

use crate::config::Config;
use crate::{open, serve};

/// Runs the server with `cfg` until a shutdown signal.
pub async fn run(cfg: Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(cfg.listen)
        .await
        .with_context(|| format!("không mở được cổng {}", cfg.listen))?;
    let addr = listener.local_addr()?;
    let (library, startup) = open(&cfg).await?;
    if let Some(report) = &startup.seeded {
        println!(
            "Lần chạy đầu: đã nhập kế hoạch mẫu {} ({} nhiệm vụ, {} đơn vị) vào {}",
            report.plan_id,
            report.tasks,
            report.progress_docs.len(),
            cfg.store_address()
        );
    }
    println!("Tiến độ đang chạy tại http://{addr}/");
    println!("  Trạng thái: http://{addr}/api/health");
    for plan in library.plans().await? {
        println!("  Kế hoạch: http://{addr}/api/plans/{}/status", plan.id);
    }
    if startup.demo_accounts.is_empty() {
        println!(
            "  Tài khoản: xem `tiendo user list`; đặt lại mật khẩu bằng `tiendo user passwd TÊN`"
        );
    } else {
        println!("Tài khoản mẫu (mật khẩu chỉ hiện lần này; đổi bằng `tiendo user passwd TÊN`):");
        // Columns as wide as the longest name and role, so every row lines up.
        let name = startup
            .demo_accounts
            .iter()
            .map(|a| a.username.chars().count())
            .max()
            .unwrap_or(0);
        let role = startup
            .demo_accounts
            .iter()
            .map(|a| a.role.as_str().len())
            .max()
            .unwrap_or(0);
        for a in &startup.demo_accounts {
            println!(
                "  {:<name$} {:<16} {:<role$}  {}",
                a.username,
                a.password,
                a.role.as_str(),
                a.unit.as_deref().unwrap_or("")
            );
        }
    }
    serve(cfg, library, listener, shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
