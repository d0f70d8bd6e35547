package org.chimp.api;

import java.util.List;
import java.util.OptionalInt;
import org.chimp.api.classification.Classification;
import org.chimp.api.classification.ClassificationDataType;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.generation.image.GeneratedImage;
import org.chimp.api.generation.image.TextToImageInput;
import org.chimp.api.generation.image.UnconditionalImageInput;
import org.chimp.api.image.Image;
import org.chimp.api.image.ImageDataType;

/** The catalogue of task APIs CHIMP knows. */
public final class Tasks {
    /** An image in, a probability per label out. Not (yet) an on-chain category. */
    public static final Task<Image, Classification> IMAGE_CLASSIFICATION = new Task<>(
            "image-classification", "Assigns a probability to each label for an image.",
            new ImageDataType(), new ClassificationDataType(), OptionalInt.empty());

    /** A prompt (and seed, steps, guidance, size) in, a PNG out; the oracle's TextConditionalImageGeneration (0). */
    public static final Task<TextToImageInput, GeneratedImage> TEXT_TO_IMAGE = new Task<>(
            "text-to-image", "Generates a PNG image from a text prompt.",
            TextToImageInput.TYPE, GeneratedImage.TYPE, OptionalInt.of(0));

    /** A seed and steps in, a PNG out; the oracle's UnconditionalImageGeneration (1). */
    public static final Task<UnconditionalImageInput, GeneratedImage> UNCONDITIONAL_IMAGE = new Task<>(
            "unconditional-image", "Generates a PNG image from a noise seed alone.",
            UnconditionalImageInput.TYPE, GeneratedImage.TYPE, OptionalInt.of(1));

    private static final List<Task<?, ?>> ALL = List.of(IMAGE_CLASSIFICATION, TEXT_TO_IMAGE, UNCONDITIONAL_IMAGE);

    private Tasks() {
    }

    /** Every known task. */
    public static List<Task<?, ?>> all() {
        return ALL;
    }

    /** The task with this id, or a 400 naming the known ids. */
    public static Task<?, ?> byId(String id) {
        for (Task<?, ?> t : ALL) {
            if (t.id().equals(id)) {
                return t;
            }
        }
        throw ClientErrorException.invalid("Unknown task '" + id + "'; known tasks: "
                + String.join(", ", ALL.stream().map(Task::id).toList()));
    }
}
