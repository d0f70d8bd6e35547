package org.chimp.training.imageclassifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.ImagePreprocessing;
import org.chimp.training.sample.SyntheticFaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {
    private static final ImagePreprocessing PP = new ImagePreprocessing(8, 8, true, 0.5f, 0.5f);

    @TempDir
    Path tmp;

    @Test
    void readsLabelsInSortedOrderAndBothSplits() throws Exception {
        SyntheticFaces.writeDirectory(tmp, 2, 1, 1);
        Files.writeString(tmp.resolve("train/happy/notes.txt"), "ignored");
        var data = ImageFolderDataset.load(tmp, PP);
        assertThat(data.labels()).containsExactly("angry", "happy", "neutral", "sad", "surprise");
        assertThat(data.train().size()).isEqualTo(10);
        assertThat(data.test().size()).isEqualTo(5);
        assertThat(data.train().features()[0]).hasSize(64);
        assertThat(data.train().targets()).containsExactly(0, 0, 1, 1, 2, 2, 3, 3, 4, 4);
    }

    @Test
    void oneLabelIsRejected() throws Exception {
        SyntheticFaces.writeDirectory(tmp, 1, 0, 1);
        for (String l : new String[] {"angry", "happy", "neutral", "sad"}) {
            Files.delete(tmp.resolve("train/" + l + "/0000.png"));
            Files.delete(tmp.resolve("train/" + l));
        }
        assertThatThrownBy(() -> ImageFolderDataset.load(tmp, PP))
                .isInstanceOf(ClientErrorException.class).hasMessageContaining("at least 2 labels").hasMessageContaining("surprise");
    }

    @Test
    void aLabelWithoutImagesIsRejected() throws Exception {
        SyntheticFaces.writeDirectory(tmp, 1, 0, 1);
        Files.createDirectories(tmp.resolve("train/fear"));
        assertThatThrownBy(() -> ImageFolderDataset.load(tmp, PP))
                .isInstanceOf(ClientErrorException.class).hasMessageContaining("'fear' has no images");
    }

    @Test
    void missingTrainFolderAndUnknownTestLabelsAreRejected() throws Exception {
        assertThatThrownBy(() -> ImageFolderDataset.load(tmp, PP))
                .isInstanceOf(ClientErrorException.class).hasMessageContaining("no 'train' folder");
        SyntheticFaces.writeDirectory(tmp, 1, 1, 1);
        Files.createDirectories(tmp.resolve("test/fear"));
        assertThatThrownBy(() -> ImageFolderDataset.load(tmp, PP))
                .isInstanceOf(ClientErrorException.class).hasMessageContaining("[fear]");
    }

    @Test
    void aBrokenImageIsAClientError() throws Exception {
        SyntheticFaces.writeDirectory(tmp, 1, 0, 1);
        Files.writeString(tmp.resolve("train/happy/broken.png"), "not a png");
        assertThatThrownBy(() -> ImageFolderDataset.load(tmp, PP))
                .isInstanceOf(ClientErrorException.class).hasMessageContaining("train/happy/broken.png")
                // Shown to the task's poller as it is: no server path (the worker's temp directory).
                .message().doesNotContain(tmp.toString());
    }

    @Test
    void aDecompressionBombIsAClientErrorNamingTheImage() throws Exception {
        SyntheticFaces.writeDirectory(tmp, 1, 0, 1);
        Files.write(tmp.resolve("train/happy/bomb.png"), org.chimp.api.image.PngBomb.gray(20000, 20000));
        assertThatThrownBy(() -> ImageFolderDataset.load(tmp, PP))
                .isInstanceOf(ClientErrorException.class).hasMessageContaining("train/happy/bomb.png")
                .message().doesNotContain(tmp.toString());
    }
}
