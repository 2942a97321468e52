//! Part 1, MSG_PEEK: look at what has arrived without taking it.
//!
//! Python: `sk.recv(1024, socket.MSG_PEEK)`.
//! Rust:   `TcpStream::peek(&mut buf)` and `UdpSocket::peek_from(&mut buf)` in std;
//!         `Socket::recv_with_flags(buf, MSG_PEEK)` in socket2 (or `Socket::peek`).

use std::io::{Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::cpu_time;
use crate::flags::{self, MSG_PEEK, MSG_WAITALL};
use crate::loopback::{bytes, tcp_pair};

pub fn show() -> Result<()> {
    println!("1. MSG_PEEK: look without taking");
    same_bytes_again()?;
    peek_a_datagram()?;
    sniff_the_first_bytes()?;
    a_peek_loop_spins()
}

/// Peek twice, then read: the same bytes all three times.
fn same_bytes_again() -> Result<()> {
    let (client, server) = tcp_pair()?;
    let mut client = TcpStream::from(client);
    let mut server = TcpStream::from(server);
    client
        .write_all(b"hello")
        .context("send(b\"hello\") failed")?;

    // ANCHOR: peek
    // data = conn.recv(1024, socket.MSG_PEEK): the bytes stay in the kernel's
    // receive queue, so the next call sees them again.
    let mut buf = [0u8; 1024];
    for _ in 0..2 {
        let n = server.peek(&mut buf).context("recv(MSG_PEEK) failed")?;
        println!("   peek(1024)  returned {n} bytes {}", bytes(&buf[..n]));
    }
    // data = conn.recv(1024): now they are taken.
    let n = server.read(&mut buf).context("recv failed")?;
    println!("   recv(1024)  returned {n} bytes {}", bytes(&buf[..n]));
    // ANCHOR_END: peek
    Ok(())
}

/// UDP: `peek_from` shows the next datagram and its sender, and leaves it queued.
fn peek_a_datagram() -> Result<()> {
    let a = UdpSocket::bind("127.0.0.1:0").context("bind(127.0.0.1:0) failed")?;
    let b = UdpSocket::bind("127.0.0.1:0").context("bind(127.0.0.1:0) failed")?;
    let b_addr = b.local_addr().context("getsockname() failed")?;
    a.send_to(b"datagram", b_addr)
        .with_context(|| format!("sendto({b_addr}) failed"))?;
    let mut buf = [0u8; 1024];
    // data, addr = sk.recvfrom(1024, socket.MSG_PEEK)
    let (n, from) = b.peek_from(&mut buf).context("recvfrom(MSG_PEEK) failed")?;
    let (m, _) = b.recv_from(&mut buf).context("recvfrom failed")?;
    let who = if Some(from) == a.local_addr().ok() {
        "a"
    } else {
        "someone else"
    };
    println!(
        "   UDP: peek_from(1024) returned {n} bytes from {who}; recv_from then took the same {m}"
    );
    Ok(())
}

/// What peeking is for: decide how to read a stream from its first bytes, and then
/// read it whole, those bytes included.
fn sniff_the_first_bytes() -> Result<()> {
    let (client, server) = tcp_pair()?;
    let mut client = TcpStream::from(client);
    client
        .write_all(b"GET / HTTP/1.0\r\n\r\n")
        .context("send failed")?;

    // ANCHOR: sniff
    // A server on one port for two protocols looks at the first four bytes, and
    // leaves them for whichever reader it then hands the connection to.
    let mut first = [0u8; 4];
    let n = flags::recv(&server, &mut first, MSG_PEEK | MSG_WAITALL)
        .context("recv(4, MSG_PEEK | MSG_WAITALL) failed")?;
    let kind = if &first[..n] == b"GET " {
        "HTTP"
    } else {
        "something else"
    };
    println!(
        "   sniffed {} with MSG_PEEK: the client speaks {kind}",
        bytes(&first[..n])
    );
    let mut request = [0u8; 1024];
    let n = flags::recv(&server, &mut request, 0).context("recv failed")?;
    println!("   and recv still gets it all: {}", bytes(&request[..n]));
    // ANCHOR_END: sniff
    Ok(())
}

/// The trap: a loop that peeks until enough has arrived never waits.
fn a_peek_loop_spins() -> Result<()> {
    let (client, server) = tcp_pair()?;
    let client = TcpStream::from(client);
    (&client).write_all(b"GE").context("send(b\"GE\") failed")?;
    let late = thread::spawn(move || {
        thread::sleep(Duration::from_millis(100));
        (&client).write_all(b"T / HTTP/1.0\r\n\r\n")
    });

    // ANCHOR: spin
    // Wanted: 4 bytes. Only 2 have come. MSG_PEEK returns those 2 at once, every
    // time, so this loop burns the CPU until the rest arrive.
    let mut first = [0u8; 4];
    let mut calls = 0u64;
    let (start, cpu) = (Instant::now(), cpu_time::this_thread());
    while flags::recv(&server, &mut first, MSG_PEEK).context("recv(MSG_PEEK) failed")? < 4 {
        calls += 1;
    }
    // ANCHOR_END: spin
    let (waited, busy) = (start.elapsed(), cpu_time::this_thread() - cpu);
    late.join()
        .map_err(|_| anyhow::anyhow!("the sending thread panicked"))?
        .context("send of the rest failed")?;
    let many = if calls > 1000 {
        "more than 1000"
    } else {
        "fewer than 1000"
    };
    println!(
        "   a loop of peeks for 4 bytes, when 2 had come, called recv {many} times in {waited:.1?},\n   \
         and used {busy:.1?} of CPU"
    );

    // The fix: MSG_PEEK | MSG_WAITALL sleeps until 4 bytes are there (Linux, TCP).
    let (client, server) = tcp_pair()?;
    let client = TcpStream::from(client);
    (&client).write_all(b"GE").context("send(b\"GE\") failed")?;
    let late = thread::spawn(move || {
        thread::sleep(Duration::from_millis(100));
        (&client).write_all(b"T / HTTP/1.0\r\n\r\n")
    });
    let (start, cpu) = (Instant::now(), cpu_time::this_thread());
    let n = flags::recv(&server, &mut first, MSG_PEEK | MSG_WAITALL)
        .context("recv(MSG_PEEK | MSG_WAITALL) failed")?;
    let (waited, busy) = (start.elapsed(), cpu_time::this_thread() - cpu);
    println!(
        "   one recv(4, MSG_PEEK | MSG_WAITALL) slept {waited:.1?}, used {busy:.1?} of CPU, \
         and returned {n} bytes {}",
        bytes(&first[..n])
    );
    late.join()
        .map_err(|_| anyhow::anyhow!("the sending thread panicked"))?
        .context("send of the rest failed")?;
    Ok(())
}
