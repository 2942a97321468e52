//! Part 5 of the demo: a frame that is too large, and a peer that hangs up in the
//! middle of one.

use anyhow::Result;

use crate::frames::read_frame;
use crate::pair::{connected_pair, send};

/// Part 5: a length prefix that is too large, and a peer that leaves mid-frame.
pub fn frames_gone_wrong() -> Result<()> {
    println!("5. When a frame goes wrong");
    let cases: [(&str, &[u8]); 2] = [
        ("a length prefix of 4294967295", b"\xff\xff\xff\xff"),
        ("10 bytes announced, 3 sent", b"\x00\x00\x00\x0aabc"),
    ];
    for (what, bytes) in cases {
        let (mut writer, mut reader) = connected_pair()?;
        send(&mut writer, bytes)?;
        drop(writer); // hang up
        match read_frame(&mut reader) {
            Ok(frame) => println!("   {what}: read_frame returned {frame:?}?"),
            Err(error) => println!("   {what}: read_frame failed: {error:#}"),
        }
    }
    Ok(())
}
