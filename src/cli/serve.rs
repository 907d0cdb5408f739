//! `reve serve-demo`.

use super::args::ServeDemoArgs;
use crate::demo::{self, DemoConfig};

pub async fn run(args: ServeDemoArgs) -> anyhow::Result<()> {
    let cfg = DemoConfig {
        listen: args.listen,
        data_dir: args.data,
        seed: args.seed,
        pro: args.pro,
        site_url: args.site_url,
        simulate_downloads: args.downloader,
        policy: args.policy,
        chunk_size: args.chunk_size,
        ..DemoConfig::default()
    };
    let handle = demo::start(cfg).await?;
    eprintln!("reve demo server listening on {}", handle.base_url());
    if handle.storage_addr.is_some() {
        eprintln!(
            "storage policy {:?} emulated on {}",
            handle.state.cfg.policy.wire_type(),
            handle.state.storage.base_url()
        );
    }
    if handle.state.cfg.seed {
        eprintln!(
            "sign in as {} / {}",
            demo::seed::DEMO_EMAIL,
            demo::seed::DEMO_PASSWORD
        );
    }
    wait_for_shutdown().await;
    handle.stop().await;
    Ok(())
}

async fn wait_for_shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
