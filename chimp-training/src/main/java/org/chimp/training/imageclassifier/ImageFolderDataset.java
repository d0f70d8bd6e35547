package org.chimp.training.imageclassifier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
import org.chimp.api.image.ImagePreprocessing;

/**
 * A dataset directory in the FER2013 layout ({@code train/<label>/*.png|jpg}, optional {@code test/<label>/...}),
 * read into feature vectors. The labels are the sorted names of the train label folders; the model's outputs
 * follow that order.
 *
 * @param test    the test split, or null if the dataset has none
 * @param skipped images left out because {@code select} found nothing in them (no face)
 */
public record ImageFolderDataset(List<String> labels, Examples train, Examples test, int skipped) {
    public ImageFolderDataset {
        labels = List.copyOf(labels);
    }

    /** Reads and preprocesses every image; a 400 if the layout cannot be trained on. */
    public static ImageFolderDataset load(Path dir, ImagePreprocessing preprocessing) throws IOException {
        return load(dir, preprocessing, Optional::of);
    }

    /**
     * Reads every image, keeps the part {@code select} picks (the largest face, say) or skips the image when it
     * picks nothing, and preprocesses what is kept. A 400 if the layout cannot be trained on, or if every training
     * image of a label was skipped.
     */
    public static ImageFolderDataset load(Path dir, ImagePreprocessing preprocessing, Function<Image, Optional<Image>> select)
            throws IOException {
        Path trainDir = dir.resolve("train");
        if (!Files.isDirectory(trainDir)) {
            throw ClientErrorException.invalid("The dataset has no 'train' folder; it needs the FER2013 layout "
                    + "train/<label>/<image>.png|jpg (and optionally test/<label>/...)");
        }
        List<String> labels = subdirectories(trainDir);
        if (labels.size() < 2) {
            throw ClientErrorException.invalid("A classifier needs at least 2 labels (folders under train/), the dataset has "
                    + labels.size() + (labels.isEmpty() ? "" : " (" + labels.get(0) + ")"));
        }
        int[] skipped = {0};
        Examples train = read(trainDir, labels, preprocessing, true, select, skipped);
        Path testDir = dir.resolve("test");
        Examples test = null;
        if (Files.isDirectory(testDir)) {
            List<String> unknown = new ArrayList<>(subdirectories(testDir));
            unknown.removeAll(labels);
            if (!unknown.isEmpty()) {
                throw ClientErrorException.invalid("The test split has labels that train/ does not have: " + unknown
                        + "; every test label needs training images (train labels: " + labels + ")");
            }
            test = read(testDir, labels, preprocessing, false, select, skipped);
            if (test.size() == 0) {
                test = null;
            }
        }
        return new ImageFolderDataset(labels, train, test, skipped[0]);
    }

    private static Examples read(Path splitDir, List<String> labels, ImagePreprocessing pp, boolean everyLabel,
                                 Function<Image, Optional<Image>> select, int[] skipped) throws IOException {
        List<float[]> x = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        for (int k = 0; k < labels.size(); k++) {
            Path labelDir = splitDir.resolve(labels.get(k));
            List<Path> files = Files.isDirectory(labelDir) ? images(labelDir) : List.of();
            if (files.isEmpty() && everyLabel) {
                throw ClientErrorException.invalid("The label '" + labels.get(k) + "' has no images in " + splitDir.getFileName()
                        + "/; add .png or .jpg files to " + splitDir.getFileName() + "/" + labels.get(k) + "/ or remove the folder");
            }
            int kept = 0;
            for (Path f : files) {
                Optional<Image> part = select.apply(decode(f, splitDir));
                if (part.isEmpty()) {
                    skipped[0]++;
                    continue;
                }
                x.add(pp.apply(part.get()));
                y.add(k);
                kept++;
            }
            if (kept == 0 && everyLabel) {
                throw ClientErrorException.invalid("No face was found in any of the " + files.size() + " images of label '"
                        + labels.get(k) + "' in " + splitDir.getFileName() + "/; add photos where the face is visible or train "
                        + "without detect_faces");
            }
        }
        return new Examples(x.toArray(float[][]::new), y.stream().mapToInt(Integer::intValue).toArray());
    }

    private static Image decode(Path file, Path splitDir) {
        try {
            return Image.read(file);
        } catch (IOException e) {
            // The reason, not the exception's message: that names the file by its path on this server.
            String reason = e.getCause() instanceof ClientErrorException c ? c.getMessage() : "it is not a readable PNG or JPEG";
            throw ClientErrorException.invalid("The image " + splitDir.getParent().relativize(file)
                    + " could not be read (" + reason + "); fix or remove it and upload a new dataset version", e);
        }
    }

    private static List<String> subdirectories(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".") && !n.startsWith("__")).sorted().toList();
        }
    }

    private static List<Path> images(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(ImageFolderDataset::isImage).sorted().toList();
        }
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return !n.startsWith(".") && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
    }
}
