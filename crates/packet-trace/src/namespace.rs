//! A private network namespace of our own, so that raw sockets and packet capture
//! work without root and see nothing but our own packets.
//!
//! `unshare --user --map-root-user --net` in a shell does the same. The program asks
//! the kernel for two new namespaces at once:
//!
//! * a **user namespace**, in which our ordinary user id is mapped to root (0): there
//!   we hold every capability, CAP_NET_RAW among them, but only over namespaces this
//!   one owns;
//! * a **network namespace**, owned by it: its own interfaces (just `lo`, down), its
//!   own ports, its own sysctls. Nothing we send there can leave it.
//!
//! Already root, the program needs no user namespace and only asks for the network
//! one. Where the kernel refuses both, [`Refused`] says exactly what is missing.

use std::fmt;
use std::fs;
use std::io;

/// How we got our private network namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entered {
    /// We were root already: a new network namespace was enough.
    AsRoot,
    /// An ordinary user: a new user namespace (where we are root) owns the network one.
    AsUser { uid: u32, gid: u32 },
}

/// Why no private network namespace could be made, and what would fix it.
#[derive(Debug)]
pub struct Refused {
    /// The call that failed and its error.
    pub call: String,
    /// What is missing, in words a learner can act on.
    pub missing: String,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot make a private network namespace: {}\n{}",
            self.call, self.missing
        )
    }
}

impl std::error::Error for Refused {}

// ANCHOR: enter
/// Moves this process into a new network namespace with its loopback up.
///
/// Call it first thing in `main`: the kernel refuses a new user namespace to a
/// process that already runs more than one thread.
pub fn enter_private_network() -> Result<Entered, Refused> {
    // SAFETY: getuid and getgid only read the process's credentials.
    let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
    let entered = if uid == 0 && unshare(libc::CLONE_NEWNET).is_ok() {
        Entered::AsRoot
    } else {
        // Python: os.unshare(os.CLONE_NEWUSER | os.CLONE_NEWNET)  (3.12 and later)
        if let Err(error) = unshare(libc::CLONE_NEWUSER | libc::CLONE_NEWNET) {
            return Err(Refused {
                call: format!("unshare(CLONE_NEWUSER | CLONE_NEWNET): {error}"),
                missing: what_is_missing(&error),
            });
        }
        // In the new user namespace nobody has an id yet. Map ours to root (0). An
        // unprivileged process must give up setgroups() before it may map its group.
        write_proc("/proc/self/setgroups", "deny")?;
        write_proc("/proc/self/uid_map", &format!("0 {uid} 1"))?;
        write_proc("/proc/self/gid_map", &format!("0 {gid} 1"))?;
        Entered::AsUser { uid, gid }
    };
    // A new network namespace has one interface, lo, and it is down.
    bring_loopback_up().map_err(|error| Refused {
        call: format!("ioctl(SIOCSIFFLAGS, lo, IFF_UP): {error}"),
        missing: "the namespace was made, but its loopback could not be brought up".into(),
    })?;
    Ok(entered)
}
// ANCHOR_END: enter

fn unshare(flags: libc::c_int) -> io::Result<()> {
    // SAFETY: unshare takes flags only; it changes this process's namespaces.
    if unsafe { libc::unshare(flags) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

fn write_proc(path: &str, text: &str) -> Result<(), Refused> {
    fs::write(path, text).map_err(|error| Refused {
        call: format!("write {text:?} to {path}: {error}"),
        missing: "the user namespace was made, but the kernel refused our id mapping".into(),
    })
}

// ANCHOR: loopback
/// `ip link set lo up`: read lo's flags, add IFF_UP, write them back.
fn bring_loopback_up() -> io::Result<()> {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::DGRAM, None)?;
    // SAFETY: ifreq is plain data; all zeroes is a valid value.
    let mut request: libc::ifreq = unsafe { std::mem::zeroed() };
    for (slot, byte) in request.ifr_name.iter_mut().zip(b"lo") {
        *slot = *byte as libc::c_char;
    }
    use std::os::fd::AsRawFd;
    let fd = socket.as_raw_fd();
    // SAFETY: both ioctls read and write the ifreq we own, sized as they expect.
    unsafe {
        if libc::ioctl(fd, libc::SIOCGIFFLAGS, &mut request) != 0 {
            return Err(io::Error::last_os_error());
        }
        request.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
        if libc::ioctl(fd, libc::SIOCSIFFLAGS, &request) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}
// ANCHOR_END: loopback

/// The system settings that refuse unprivileged user namespaces, read where they
/// are, and the command that would change each.
fn what_is_missing(error: &io::Error) -> String {
    if error.raw_os_error() == Some(libc::EINVAL) {
        return "the process already runs several threads: enter the namespace \
                first thing in main"
            .into();
    }
    let read = |path: &str| fs::read_to_string(path).ok().map(|s| s.trim().to_string());
    let mut lines = Vec::new();
    if read("/proc/sys/kernel/unprivileged_userns_clone").as_deref() == Some("0") {
        lines.push(
            "kernel.unprivileged_userns_clone is 0: enable it with\n  \
             sudo sysctl kernel.unprivileged_userns_clone=1",
        );
    }
    if read("/proc/sys/user/max_user_namespaces").as_deref() == Some("0") {
        lines.push(
            "user.max_user_namespaces is 0: allow some with\n  \
             sudo sysctl user.max_user_namespaces=10000",
        );
    }
    if read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns").as_deref() == Some("1") {
        lines.push(
            "AppArmor restricts unprivileged user namespaces (Ubuntu 23.10 and later): \
             lift it with\n  sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0",
        );
    }
    if lines.is_empty() && error.raw_os_error() == Some(libc::ENOSPC) {
        lines.push(
            "the limit on user namespaces is reached (user.max_user_namespaces, here or in \
             an enclosing namespace): raise it with\n  sudo sysctl user.max_user_namespaces=10000",
        );
    }
    if lines.is_empty() {
        lines.push(
            "this system (a container, a seccomp filter or a security module) does not \
             let this user make namespaces",
        );
    }
    // SAFETY: getuid only reads this process's credentials.
    if unsafe { libc::getuid() } == 0 {
        lines.push(
            "even root may not make a network namespace here: in a container, give it \
             CAP_SYS_ADMIN (docker run --cap-add SYS_ADMIN, or --privileged)",
        );
    } else {
        lines.push("or run the program as root, for example with sudo");
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::what_is_missing;
    use std::io;

    #[test]
    fn a_refusal_offers_root_or_what_root_lacks() {
        let why = what_is_missing(&io::Error::from_raw_os_error(libc::EPERM));
        assert!(
            why.ends_with("or run the program as root, for example with sudo")
                || why.contains("CAP_SYS_ADMIN"),
            "{why}"
        );
    }

    #[test]
    fn threads_are_named_as_the_cause_of_einval() {
        let why = what_is_missing(&io::Error::from_raw_os_error(libc::EINVAL));
        assert!(why.contains("several threads"), "{why}");
    }
}
