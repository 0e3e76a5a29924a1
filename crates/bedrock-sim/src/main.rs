//! `bedrock-sim`: run the Bedrock simulator as a process.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use bedrock_sim::{Sim, SimConfig};
use clap::Parser;

/// A wire-faithful Amazon Bedrock stand-in (runtime, control plane, OpenAI-compatible routes).
#[derive(Debug, Parser)]
#[command(name = "bedrock-sim", version)]
struct Args {
    /// Port to listen on (0 picks a free one; the URL is printed on stdout).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// The access key id whose SigV4 signatures are accepted.
    #[arg(long, default_value = "AKIDSIMULATOR")]
    access_key_id: String,
    /// The secret that goes with the access key id.
    #[arg(long, default_value = "sim-secret-key", hide_default_value = true)]
    secret_access_key: String,
    /// Accept any Authorization instead of verifying SigV4.
    #[arg(long)]
    no_verify: bool,
    /// Time to first token, in milliseconds.
    #[arg(long, default_value_t = 0)]
    ttft_ms: u64,
    /// Output pace in tokens per second (as fast as possible when absent).
    #[arg(long)]
    tokens_per_sec: Option<f64>,
    /// Key the OpenAI-compatible route demands (any key when absent).
    #[arg(long)]
    openai_api_key: Option<String>,
    /// Answer this share of model calls (percent) with a 429 throttling error.
    #[arg(long, default_value_t = 0)]
    throttle_percent: u32,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("bedrock_sim=info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let config = SimConfig {
        access_key_id: args.access_key_id,
        secret_access_key: args.secret_access_key,
        verify_sigv4: !args.no_verify,
        ttft: Duration::from_millis(args.ttft_ms),
        tokens_per_sec: args.tokens_per_sec,
        openai_api_key: args.openai_api_key,
        throttle_percent: args.throttle_percent,
    };
    let sim = Sim::start_on(SocketAddr::new(args.host, args.port), config).await?;
    println!("bedrock-sim listening on {}", sim.url());
    tokio::signal::ctrl_c().await?;
    sim.shutdown().await;
    Ok(())
}
