package org.chimp.web.emotion;

import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
import org.chimp.api.image.ImageLimits;
import org.chimp.api.image.ImageScope;
import org.chimp.store.DatasetStore;
import org.chimp.store.DatasetVersion;

/**
 * "That's wrong": a face crop with the emotion it really shows becomes a new version of the {@value #DATASET}
 * dataset ({@code train/<label>/...}), recorded as the user's. The label must be one of {@link #EMOTIONS}; the
 * crop a decodable PNG or JPEG of {@value #MIN_SIDE} to {@value #MAX_SIDE} pixels a side and at most
 * {@value #MAX_BYTES} bytes, all checked before anything is stored.
 */
public final class Corrections {
    /** The dataset corrections go to. */
    public static final String DATASET = "corrections";
    /** FER2013's labels, in index order: what a correction may say. */
    public static final List<String> EMOTIONS = List.of("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise");
    static final int MIN_SIDE = 24;
    static final int MAX_SIDE = 512;
    static final int MAX_BYTES = 256 * 1024;

    private final DatasetStore datasets;

    public Corrections(DatasetStore datasets) {
        this.datasets = datasets;
    }

    /** A correction as the page sends it: {@code {"label": "sad", "image": "<base64 PNG or JPEG face crop>"}}. */
    public record Correction(String label, String image) {
    }

    /** What was stored: the new version and the label. */
    public record Saved(String dataset, int version, String ref, String label, long files) {
    }

    public Saved add(Correction c, String user) {
        if (c == null || c.label() == null || !EMOTIONS.contains(c.label())) {
            throw ClientErrorException.invalid("'label' must be one of " + EMOTIONS);
        }
        if (c.image() == null || c.image().isEmpty()) {
            throw ClientErrorException.invalid("'image' is required: the face crop as a base64 PNG or JPEG");
        }
        // Counted before decoding: base64 is 4 characters for every 3 bytes.
        if (c.image().length() > (MAX_BYTES + 2) / 3 * 4) {
            throw ClientErrorException.tooLarge("The face crop may be at most " + MAX_BYTES + " bytes");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(c.image());
        } catch (IllegalArgumentException e) {
            throw ClientErrorException.invalid("'image' is not valid base64: " + e.getMessage());
        }
        String extension = check(bytes);
        String file = "correction-" + UUID.randomUUID() + extension;
        DatasetVersion v = datasets.appendImages(DATASET, "train", c.label(),
                List.of(new DatasetStore.NamedImage(file, new ByteArrayInputStream(bytes))), user);
        return new Saved(v.name(), v.version(), v.ref(), c.label(), v.fileCount());
    }

    /** Decodes the crop within the size bounds; its file extension. */
    private static String check(byte[] bytes) {
        ImageLimits server = ImageLimits.current();
        Image img;
        try (ImageScope scope = ImageScope.open()) {
            img = Image.decode(bytes, new ImageLimits(Math.min(server.maxPixels(), (long) MAX_SIDE * MAX_SIDE), MAX_SIDE,
                    server.inFlightPixels()));
        }
        if (img.width() < MIN_SIDE || img.height() < MIN_SIDE) {
            throw ClientErrorException.invalid("The face crop is " + img.width() + "x" + img.height() + "; it must be at least "
                    + MIN_SIDE + " pixels a side");
        }
        boolean png = bytes.length > 4 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G';
        boolean jpeg = bytes.length > 3 && (bytes[0] & 0xff) == 0xFF && (bytes[1] & 0xff) == 0xD8;
        if (!png && !jpeg) {
            throw ClientErrorException.invalid("The face crop must be a PNG or JPEG");
        }
        return png ? ".png" : ".jpg";
    }
}
