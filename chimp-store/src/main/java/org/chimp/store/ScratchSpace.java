package org.chimp.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's private scratch directory {@code <parent>/<id>/}, next to a lock file {@code <parent>/<id>.lock} that
 * the process holds for as long as it lives. The operating system releases the lock when the process dies, even by
 * {@code kill -9}, so another process (or the same node after a restart) can tell a dead owner's leftovers from a
 * live one's and {@link #sweep() sweep} them, even when several processes share the parent directory.
 */
public final class ScratchSpace implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScratchSpace.class);
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final String LOCK = ".lock";

    /** Whether the owner of a scratch id is running. */
    enum Owner { ALIVE, DEAD, ELSEWHERE }

    private final Path parent;
    private final String id;
    private final FileChannel channel;
    private final FileLock lock;

    private ScratchSpace(Path parent, String id, FileChannel channel, FileLock lock) {
        this.parent = parent;
        this.id = id;
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates and locks a new scratch directory under {@code parent} (created if absent). */
    public static ScratchSpace open(Path parent) {
        Path dir = parent.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            while (true) {
                String id = UUID.randomUUID().toString();
                Path lockFile = dir.resolve(id + LOCK);
                FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                FileLock lock = ch.lock();
                // A sweep that got the lock between our create and lock saw an owner-less file and deleted it; then
                // we hold a lock on a file nobody else can find. Take another id.
                if (!Files.exists(lockFile)) {
                    ch.close();
                    continue;
                }
                // The lock exists before the directory, so a directory without a lock file is a dead owner's.
                Files.createDirectories(dir.resolve(id));
                return new ScratchSpace(dir, id, ch, lock);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a scratch directory under " + dir, e);
        }
    }

    /** The id that names this process's scratch space (also recorded as the owner of its work elsewhere). */
    public String id() {
        return id;
    }

    /** This process's scratch directory: nothing else writes there. */
    public Path dir() {
        return parent.resolve(id);
    }

    /**
     * Whether the owner of the scratch space {@code owner} is running: {@link Owner#ELSEWHERE} when its lock file is
     * not under this parent (another machine's, or already swept).
     */
    Owner owner(String owner) {
        if (owner.equals(id)) {
            return Owner.ALIVE;
        }
        if (!ID.matcher(owner).matches()) {
            return Owner.ELSEWHERE;
        }
        try (FileChannel ch = FileChannel.open(parent.resolve(owner + LOCK), StandardOpenOption.WRITE)) {
            FileLock probe = ch.tryLock();
            if (probe == null) {
                return Owner.ALIVE;
            }
            probe.release();
            return Owner.DEAD;
        } catch (NoSuchFileException e) {
            return Owner.ELSEWHERE;
        } catch (OverlappingFileLockException e) {
            // Held by another scratch space of this very JVM.
            return Owner.ALIVE;
        } catch (IOException e) {
            LOG.warn("Cannot tell whether scratch space {} is in use ({}); leaving it alone", owner, e.toString());
            return Owner.ALIVE;
        }
    }

    /** Deletes the scratch directories of dead processes under the parent; returns how many. */
    public int sweep() {
        Set<String> ids = new HashSet<>();
        try (Stream<Path> entries = Files.list(parent)) {
            entries.map(p -> p.getFileName().toString())
                    .map(n -> n.endsWith(LOCK) ? n.substring(0, n.length() - LOCK.length()) : n)
                    .filter(n -> ID.matcher(n).matches() && !n.equals(id))
                    .forEach(ids::add);
        } catch (IOException e) {
            LOG.warn("Cannot list the scratch directories under {}: {}", parent, e.toString());
            return 0;
        }
        int swept = 0;
        for (String other : ids) {
            Path lockFile = parent.resolve(other + LOCK);
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock probe = ch.tryLock();
                if (probe == null) {
                    continue;
                }
                // Holding the lock, so its owner cannot be starting or running: delete the directory, then the lock.
                deleteTree(parent.resolve(other));
                Files.deleteIfExists(lockFile);
                probe.release();
                swept++;
            } catch (OverlappingFileLockException e) {
                // Another scratch space of this JVM: alive.
            } catch (IOException | UncheckedIOException e) {
                LOG.warn("Cannot sweep the scratch directory {}: {}", parent.resolve(other), e.toString());
            }
        }
        return swept;
    }

    /** Releases the lock, as the end of the process would; the directory is swept by the next {@link #sweep()}. */
    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            LOG.warn("Cannot release the scratch lock {}: {}", parent.resolve(id + LOCK), e.toString());
        }
    }

    /** Deletes a file or directory tree; absent is fine. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
