package org.chimp.api;

import java.util.List;
import java.util.OptionalInt;
import org.chimp.api.classification.Classification;
import org.chimp.api.classification.ClassificationDataType;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
import org.chimp.api.image.ImageDataType;

/** The catalogue of task APIs CHIMP knows. */
public final class Tasks {
    /** An image in, a probability per label out. Not (yet) an on-chain category. */
    public static final Task<Image, Classification> IMAGE_CLASSIFICATION = new Task<>(
            "image-classification", "Assigns a probability to each label for an image.",
            new ImageDataType(), new ClassificationDataType(), OptionalInt.empty());

    private static final List<Task<?, ?>> ALL = List.of(IMAGE_CLASSIFICATION);

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
