//! Part 2 of the demo: one send that takes several recvs.

use std::thread;

use anyhow::{Result, bail};

use crate::pair::{connected_pair, join, recv, send};

/// Part 2: one send, read in several pieces.
pub fn one_send_several_recvs() -> Result<()> {
    println!("2. One send, several recvs");
    let (mut writer, mut reader) = connected_pair()?;
    let mut buffer = [0u8; 1024];
    // ANCHOR: split
    // sk.sendall(3000 bytes): one call, and on loopback even one TCP segment.
    send(&mut writer, &[b'x'; 3000])?;
    println!("   sendall of 3000 bytes, in one call");
    let mut total = 0;
    while total < 3000 {
        // conn.recv(1024): never more than 1024 bytes, whatever was sent.
        let n = recv(&mut reader, &mut buffer)?;
        println!("   recv(1024) returned {n} bytes");
        total += n;
    }
    // ANCHOR_END: split

    // A million bytes, with a buffer that could hold them all: the reader still
    // gets them in pieces, as they arrive.
    const BIG: usize = 1_000_000;
    let big_writer = thread::spawn(move || send(&mut writer, &vec![b'y'; BIG]));
    let mut big_buffer = vec![0u8; BIG];
    let (mut total, mut reads) = (0, 0);
    while total < BIG {
        let n = recv(&mut reader, &mut big_buffer)?;
        if n == 0 {
            bail!("the writer closed after {total} of {BIG} bytes");
        }
        total += n;
        reads += 1;
    }
    join(big_writer)?;
    println!("   sendall of {BIG} bytes, in one call, read with recv({BIG}):");
    if reads > 1 {
        println!("   the first recv returned only part of it; it took more than one to read all");
    } else {
        println!("   this time it all came in one recv; run it again and it may not");
    }
    Ok(())
}
