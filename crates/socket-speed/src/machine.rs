//! Which machine the figures come from. A figure without its machine means
//! little: the same program moves twice the bytes on a newer CPU.

/// One line: CPUs, CPU model, kernel, architecture.
pub fn describe() -> String {
    // nproc
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "{cpus} CPUs, {}, {} ({})",
        cpu_model(),
        kernel(),
        std::env::consts::ARCH
    )
}

/// The CPU's name, as /proc/cpuinfo has it on Linux.
#[cfg(target_os = "linux")]
fn cpu_model() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    // x86 says "model name"; some ARM kernels say "Model" or "Hardware" instead.
    ["model name", "Model", "Hardware"]
        .iter()
        .find_map(|key| {
            info.lines().find_map(|line| {
                let (name, value) = line.split_once(':')?;
                (name.trim() == *key).then(|| value.trim().to_string())
            })
        })
        .unwrap_or_else(|| "CPU model unknown".to_string())
}

/// The kernel's name and release, like `uname -sr`.
#[cfg(target_os = "linux")]
fn kernel() -> String {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("Linux {}", release.trim())
}

#[cfg(target_os = "macos")]
fn cpu_model() -> String {
    command_output("sysctl", &["-n", "machdep.cpu.brand_string"])
        .unwrap_or_else(|| "CPU model unknown".to_string())
}

#[cfg(target_os = "macos")]
fn kernel() -> String {
    command_output("uname", &["-sr"]).unwrap_or_else(|| "macOS".to_string())
}

#[cfg(target_os = "macos")]
fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn cpu_model() -> String {
    // Windows names the CPU in an environment variable; elsewhere we do not look.
    std::env::var("PROCESSOR_IDENTIFIER").unwrap_or_else(|_| "CPU model unknown".to_string())
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn kernel() -> String {
    std::env::consts::OS.to_string()
}
