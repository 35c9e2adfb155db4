// The migrations are compiled into the binary (`sqlx::migrate!`); a new file in their folders
// must rebuild it, which cargo does not notice on its own.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
