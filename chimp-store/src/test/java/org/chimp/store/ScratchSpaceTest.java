package org.chimp.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchSpaceTest {
    @TempDir
    Path parent;

    @Test
    void sweepRemovesOnlyTheDirectoriesOfStoppedOwners() throws IOException {
        ScratchSpace mine = ScratchSpace.open(parent);
        ScratchSpace running = ScratchSpace.open(parent);
        ScratchSpace stopped = ScratchSpace.open(parent);
        Files.writeString(running.dir().resolve("work.zip"), "in use");
        Files.createDirectories(stopped.dir().resolve("upload/files"));
        Files.writeString(stopped.dir().resolve("upload/files/a.png"), "left behind");
        stopped.close();
        // A directory whose lock file is gone: its owner died between a sweep's two deletes.
        String orphan = UUID.randomUUID().toString();
        Files.createDirectories(parent.resolve(orphan).resolve("x"));
        Files.writeString(parent.resolve("not-a-scratch-space.txt"), "left alone");

        assertThat(mine.owner(running.id())).isEqualTo(ScratchSpace.Owner.ALIVE);
        assertThat(mine.owner(stopped.id())).isEqualTo(ScratchSpace.Owner.DEAD);
        assertThat(mine.owner(UUID.randomUUID().toString())).isEqualTo(ScratchSpace.Owner.ELSEWHERE);
        assertThat(mine.owner("")).isEqualTo(ScratchSpace.Owner.ELSEWHERE);
        assertThat(mine.sweep()).isEqualTo(2);

        assertThat(stopped.dir()).doesNotExist();
        assertThat(parent.resolve(stopped.id() + ".lock")).doesNotExist();
        assertThat(parent.resolve(orphan)).doesNotExist();
        assertThat(running.dir().resolve("work.zip")).hasContent("in use");
        assertThat(mine.dir()).isDirectory();
        assertThat(parent.resolve("not-a-scratch-space.txt")).exists();
        assertThat(mine.owner(stopped.id())).isEqualTo(ScratchSpace.Owner.ELSEWHERE);
        running.close();
        mine.close();
    }
}
