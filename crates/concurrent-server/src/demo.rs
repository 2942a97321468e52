//! The demo: each mode in turn on 127.0.0.1:0, with the same three clients (a slow
//! one, a silent one, a quick one), and who was answered when.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};

use crate::server::{self, Config, Server};
use crate::{DEFAULT_MAX_LINE, Mode};

// ANCHOR: demo
/// When the slow client says its line, after connecting.
const SLOW_DELAY: Duration = Duration::from_millis(200);
/// The demo servers' idle timeout: the silent client is closed after this.
const DEMO_IDLE: Duration = Duration::from_millis(300);

/// Each mode in turn, on 127.0.0.1:0, with the same three clients, connected in
/// this order: `slow` says its line 200 ms after connecting, `silent` never says
/// anything, `quick` says its line at once.
pub fn run() -> Result<()> {
    println!(
        "Three clients connect, in this order: slow (says its line after {SLOW_DELAY:?}), \
         silent (says nothing)\nand quick (says its line at once). Idle clients are \
         closed after {DEMO_IDLE:?}."
    );
    for mode in Mode::ALL {
        println!("\n--mode {}: {}", mode.name(), mode.what());
        let listener = server::bind("127.0.0.1:0".parse()?)?;
        let addr = listener.local_addr().context("getsockname() failed")?;
        let config = Config {
            idle_timeout: DEMO_IDLE,
            max_line: DEFAULT_MAX_LINE,
            quiet: true,
        };
        let server = Server::new(config);
        let running = Arc::clone(&server);
        let serving = thread::spawn(move || mode.run(listener, &running));

        // The clients connect one after the other, so the accept queue holds them
        // in this order; then each talks in its own thread.
        let start = Instant::now();
        let plans = [
            ("slow", Some(("slow but sure", SLOW_DELAY))),
            ("silent", None),
            ("quick", Some(("quick", Duration::ZERO))),
        ];
        let mut talking = Vec::new();
        for (name, says) in plans {
            let conn =
                TcpStream::connect(addr).with_context(|| format!("connect({addr}) failed"))?;
            talking.push((name, thread::spawn(move || talk(conn, start, says))));
        }
        let mut quick_answered = Duration::ZERO;
        for (name, thread) in talking {
            let seen = thread
                .join()
                .map_err(|_| anyhow!("client {name}'s thread panicked"))?
                .with_context(|| format!("client {name} failed"))?;
            println!("  {name:<7} {seen}");
            quick_answered = seen.answered_at;
        }
        if quick_answered > SLOW_DELAY / 2 {
            println!(
                "  quick waited {}ms for its turn: the server was busy with slow, then with silent",
                quick_answered.as_millis()
            );
        } else {
            println!("  quick was answered at once, while slow and silent were still connected");
        }

        // Pull the switch, and wait for the server to stop.
        server.shutdown.request();
        serving
            .join()
            .map_err(|_| anyhow!("the server's thread panicked"))??;
    }
    Ok(())
}

/// What a demo client did and heard, timed from the start of its round.
struct Seen {
    said: Option<(&'static str, Duration)>,
    answer: String,
    answered_at: Duration,
}

impl std::fmt::Display for Seen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = self.answered_at.as_millis();
        match self.said {
            Some((line, when)) => write!(
                f,
                "said {line:?} at {}ms, answered at {at}ms: {:?}",
                when.as_millis(),
                self.answer
            ),
            None => write!(
                f,
                "said nothing; at {at}ms the server said {:?}",
                self.answer
            ),
        }
    }
}

/// One demo client: says its line when its time comes, reads one line back.
fn talk(
    mut conn: TcpStream,
    start: Instant,
    says: Option<(&'static str, Duration)>,
) -> Result<Seen> {
    conn.set_read_timeout(Some(Duration::from_secs(5)))
        .context("settimeout failed")?;
    let mut said = None;
    if let Some((line, after)) = says {
        thread::sleep(after.saturating_sub(start.elapsed()));
        let at = start.elapsed();
        conn.write_all(format!("{line}\n").as_bytes())
            .context("sendall failed")?;
        said = Some((line, at));
    }
    let mut answer = String::new();
    BufReader::new(&conn)
        .read_line(&mut answer)
        .context("recv failed")?;
    Ok(Seen {
        said,
        answer: answer.trim_end().to_string(),
        answered_at: start.elapsed(),
    })
}
// ANCHOR_END: demo
