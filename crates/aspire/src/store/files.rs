//! Shared files, kept under the data folder by their SHA-256: `files/ab/abcdef...`. A file is
//! written to a temporary name and renamed into place, so a reader never sees half a file and
//! a crash leaves at most a stray temporary; identical files are stored once.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    /// The files folder inside the data folder.
    pub fn new(data_dir: &Path) -> FileStore {
        FileStore { root: data_dir.join("files") }
    }

    /// Where the file with this hash lives; `None` for anything that is not a SHA-256 in hex,
    /// so a stored value can never point outside the folder.
    pub fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        valid.then(|| self.root.join(&sha256[..2]).join(sha256))
    }

    /// Stores `bytes` (once per content) and returns their SHA-256.
    pub async fn save(&self, bytes: Vec<u8>) -> std::io::Result<String> {
        let root = self.root.clone();
        tokio::task::spawn_blocking(move || save_blocking(&root, &bytes)).await.map_err(std::io::Error::other)?
    }

    pub async fn read(&self, sha256: &str) -> std::io::Result<Vec<u8>> {
        let path = self.path_of(sha256).ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))?;
        tokio::task::spawn_blocking(move || std::fs::read(path)).await.map_err(std::io::Error::other)?
    }

    /// Removes a file nobody refers to any more; a file already gone is fine.
    pub async fn remove(&self, sha256: &str) -> std::io::Result<()> {
        let Some(path) = self.path_of(sha256) else { return Ok(()) };
        tokio::task::spawn_blocking(move || match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        })
        .await
        .map_err(std::io::Error::other)?
    }
}

fn save_blocking(root: &Path, bytes: &[u8]) -> std::io::Result<String> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    let folder = root.join(&sha256[..2]);
    let target = folder.join(&sha256);
    std::fs::create_dir_all(&folder)?;
    // Written even when the file exists: renaming identical bytes over it is harmless, and it
    // mends a file someone removed by hand.
    let temporary = folder.join(format!(".{sha256}.{}.tmp", &crate::auth::token::new_token()[..16]));
    let written = write_then_rename(&temporary, &target, bytes);
    if written.is_err() {
        // Best effort: a stray temporary holds no secret beyond the file being shared.
        let _ = std::fs::remove_file(&temporary);
    }
    written.map(|()| sha256)
}

fn write_then_rename(temporary: &Path, target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::File::create(temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(temporary, target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn identical_files_are_stored_once_under_their_hash() {
        let dir = tempfile::tempdir().unwrap();
        let files = FileStore::new(dir.path());
        let a = files.save(b"%PDF-1.7 aims".to_vec()).await.unwrap();
        let b = files.save(b"%PDF-1.7 aims".to_vec()).await.unwrap();
        assert_eq!(a, b);
        assert_eq!(files.read(&a).await.unwrap(), b"%PDF-1.7 aims");
        let folder = dir.path().join("files").join(&a[..2]);
        assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1, "one file, no temporaries left");
        files.remove(&a).await.unwrap();
        assert!(files.read(&a).await.is_err());
        files.remove(&a).await.unwrap();
        assert!(files.path_of("../../etc/passwd").is_none());
    }
}
