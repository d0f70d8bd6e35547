package org.chimp.server.node;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scratch directory that belongs to this process alone, under a parent that several processes sharing a data
 * directory may use. The process holds an OS file lock beside its directory for as long as it lives; the lock
 * goes with the process however it dies, so at start every directory whose lock can be taken is debris of a
 * process that is gone (a killed upload's spooled body or multipart files) and is removed.
 */
final class ProcessScratch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessScratch.class);

    private final Path dir;
    private final FileChannel lockFile;
    private final FileLock lock;

    private ProcessScratch(Path dir, FileChannel lockFile, FileLock lock) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /** Removes the directories of dead processes under {@code parent}, then makes and locks this process's own. */
    static ProcessScratch create(Path parent) throws IOException {
        Files.createDirectories(parent);
        sweep(parent);
        Path dir = parent.resolve(UUID.randomUUID().toString());
        FileChannel ch = FileChannel.open(lockPath(dir), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.lock();
        Files.createDirectories(dir);
        return new ProcessScratch(dir, ch, lock);
    }

    Path dir() {
        return dir;
    }

    private static void sweep(Path parent) throws IOException {
        try (Stream<Path> entries = Files.list(parent)) {
            for (Path lockPath : entries.filter(p -> p.getFileName().toString().endsWith(".lock")).toList()) {
                try (FileChannel ch = FileChannel.open(lockPath, StandardOpenOption.WRITE); FileLock l = ch.tryLock()) {
                    if (l != null) {
                        String name = lockPath.getFileName().toString();
                        Path dead = parent.resolve(name.substring(0, name.length() - ".lock".length()));
                        long removed = deleteTree(dead);
                        Files.deleteIfExists(lockPath);
                        if (removed > 0) {
                            LOG.info("Removed {} files left by a stopped process in {}", removed, dead);
                        }
                    }
                } catch (OverlappingFileLockException e) {
                    // Held by this JVM (another node in the same process, as in tests): alive.
                }
            }
        }
    }

    private static long deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        long files = 0;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                if (Files.isRegularFile(p)) {
                    files++;
                }
                Files.deleteIfExists(p);
            }
        }
        return files;
    }

    private static Path lockPath(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".lock");
    }

    /** Removes this process's directory and lock (a clean stop). */
    @Override
    public void close() throws IOException {
        deleteTree(dir);
        lock.release();
        lockFile.close();
        Files.deleteIfExists(lockPath(dir));
    }
}
