//! The other end of the demo: its own client in a thread, which connects and
//! sends when the demo tells it to, or a real client that the user starts.

use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};

/// The other end of the demo: its own client in a thread, driven step by step, or
/// a real client that the user starts.
pub enum Peer {
    Thread {
        steps: Sender<Step>,
        done: Receiver<io::Result<String>>,
        thread: JoinHandle<()>,
    },
    Real {
        addr: SocketAddr,
    },
}

/// One thing for the demo's own client to do.
pub enum Step {
    Connect,
    Send {
        data: &'static [u8],
        after: Duration,
    },
}

impl Peer {
    pub fn start(own_client: bool, addr: SocketAddr) -> Peer {
        if !own_client {
            return Peer::Real { addr };
        }
        let (steps, step_rx) = mpsc::channel();
        let (done_tx, done) = mpsc::channel();
        let thread = thread::spawn(move || own_client_thread(addr, step_rx, done_tx));
        Peer::Thread {
            steps,
            done,
            thread,
        }
    }

    /// Has the client connect; returns once its connect() has returned.
    pub fn connect(&mut self) -> Result<()> {
        match self {
            Peer::Thread { .. } => self.step(Step::Connect, true),
            Peer::Real { addr } => {
                println!(
                    "now connect a client, for example: cargo run -q -p peer -- connect {addr}"
                );
                Ok(())
            }
        }
    }

    /// Has the client send `data`; returns once its send has returned.
    pub fn send_now(&mut self, data: &'static [u8]) -> Result<()> {
        match self {
            Peer::Thread { .. } => self.step(
                Step::Send {
                    data,
                    after: Duration::ZERO,
                },
                true,
            ),
            Peer::Real { .. } => {
                println!("type a line in your client");
                Ok(())
            }
        }
    }

    /// Has the client send `data` after a pause; returns at once.
    pub fn send_later(&mut self, data: &'static [u8], after: Duration) -> Result<()> {
        match self {
            Peer::Thread { .. } => {
                println!(
                    "client: will send b\"{}\" in {} ms",
                    data.escape_ascii(),
                    after.as_millis()
                );
                self.step(Step::Send { data, after }, false)
            }
            Peer::Real { .. } => {
                println!("type another line in your client: this recv() waits for it");
                Ok(())
            }
        }
    }

    fn step(&mut self, step: Step, wait: bool) -> Result<()> {
        let Peer::Thread { steps, done, .. } = self else {
            return Ok(());
        };
        let gone = || anyhow!("the demo's client thread stopped unexpectedly");
        steps.send(step).map_err(|_| gone())?;
        if wait {
            let report = done.recv().map_err(|_| gone())?;
            println!("client: {}", report.context("the demo's client failed")?);
        }
        Ok(())
    }

    /// Waits for the demo's client to finish, and reports its last step.
    pub fn finish(self) -> Result<()> {
        if let Peer::Thread {
            steps,
            done,
            thread,
        } = self
        {
            drop(steps);
            for report in done {
                report.context("the demo's client failed")?;
            }
            thread
                .join()
                .map_err(|_| anyhow!("the demo's client thread panicked"))?;
        }
        Ok(())
    }
}

/// The demo's own client: carries out each step and reports how it went. A failed
/// send drops the connection, so the server's recv() ends instead of waiting.
fn own_client_thread(addr: SocketAddr, steps: Receiver<Step>, done: Sender<io::Result<String>>) {
    let mut stream: Option<TcpStream> = None;
    for step in steps {
        let report = match step {
            Step::Connect => TcpStream::connect(addr).and_then(|s| {
                let me = s.local_addr()?;
                stream = Some(s);
                Ok(format!("connect({addr}) returned; the client is {me}"))
            }),
            Step::Send { data, after } => {
                // The lesson itself: the server's blocking recv() waits this long.
                thread::sleep(after);
                match stream.as_mut() {
                    Some(s) => s
                        .write_all(data)
                        .map(|()| format!("sent b\"{}\"", data.escape_ascii())),
                    None => Err(io::Error::other("send before connect")),
                }
            }
        };
        if report.is_err() {
            stream = None;
        }
        if done.send(report).is_err() {
            break;
        }
    }
}
