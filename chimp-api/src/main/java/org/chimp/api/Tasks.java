package org.chimp.api;

import java.util.List;
import java.util.OptionalInt;
import org.chimp.api.classification.Classification;
import org.chimp.api.classification.ClassificationDataType;
import org.chimp.api.embedding.Embeddings;
import org.chimp.api.embedding.EmbeddingsDataType;
import org.chimp.api.embedding.JointEmbeddings;
import org.chimp.api.embedding.JointEmbeddingsDataType;
import org.chimp.api.embedding.TextsAndImages;
import org.chimp.api.embedding.TextsAndImagesDataType;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.generation.Generation;
import org.chimp.api.generation.GenerationDataType;
import org.chimp.api.generation.GenerationRequest;
import org.chimp.api.generation.GenerationRequestDataType;
import org.chimp.api.generation.image.GeneratedImage;
import org.chimp.api.generation.image.TextToImageInput;
import org.chimp.api.generation.image.UnconditionalImageInput;
import org.chimp.api.game.Board;
import org.chimp.api.game.BoardDataType;
import org.chimp.api.game.Move;
import org.chimp.api.game.MoveDataType;
import org.chimp.api.image.Image;
import org.chimp.api.image.ImageDataType;
import org.chimp.api.text.Texts;
import org.chimp.api.text.TextsDataType;

/** The catalogue of task APIs CHIMP knows. */
public final class Tasks {
    /** An image in, a probability per label out. Not (yet) an on-chain category. */
    public static final Task<Image, Classification> IMAGE_CLASSIFICATION = new Task<>(
            "image-classification", "Assigns a probability to each label for an image.",
            new ImageDataType(), new ClassificationDataType(), OptionalInt.empty());

    /** A text or a list of texts in, one embedding vector per text out. */
    public static final Task<Texts, Embeddings> TEXT_EMBEDDING = new Task<>(
            "text-embedding", "Turns each text into a vector; similar meanings give nearby vectors.",
            new TextsDataType(), new EmbeddingsDataType(), OptionalInt.empty());

    /** A prompt with sampling settings in, its continuation out. */
    public static final Task<GenerationRequest, Generation> TEXT_GENERATION = new Task<>(
            "text-generation", "Continues a prompt, greedily or by seeded temperature and top-p sampling.",
            new GenerationRequestDataType(), new GenerationDataType(), OptionalInt.empty());

    /** Texts and images in, vectors in one shared space out (CLIP-style), with image-text similarities. */
    public static final Task<TextsAndImages, JointEmbeddings> TEXT_IMAGE_EMBEDDING = new Task<>(
            "text-image-embedding", "Puts texts and images into one vector space, so a text can be matched with an image.",
            new TextsAndImagesDataType(), new JointEmbeddingsDataType(), OptionalInt.empty());

    /** A prompt (and seed, steps, guidance, size) in, a PNG out; the oracle's TextConditionalImageGeneration (0). */
    public static final Task<TextToImageInput, GeneratedImage> TEXT_TO_IMAGE = new Task<>(
            "text-to-image", "Generates a PNG image from a text prompt.",
            TextToImageInput.TYPE, GeneratedImage.TYPE, OptionalInt.of(0));

    /** A seed and steps in, a PNG out; the oracle's UnconditionalImageGeneration (1). */
    public static final Task<UnconditionalImageInput, GeneratedImage> UNCONDITIONAL_IMAGE = new Task<>(
            "unconditional-image", "Generates a PNG image from a noise seed alone.",
            UnconditionalImageInput.TYPE, GeneratedImage.TYPE, OptionalInt.of(1));


    /** A TicTacToe board and the player to move in, the cell to play out (Buffalo's RLAgent). */
    public static final Task<Board, Move> GAME_MOVE = new Task<>(
            "game-move", "Chooses the move for the player to move on a TicTacToe board.",
            new BoardDataType(), new MoveDataType(), OptionalInt.empty());

    private static final List<Task<?, ?>> ALL = List.of(IMAGE_CLASSIFICATION, TEXT_EMBEDDING, TEXT_IMAGE_EMBEDDING,
            TEXT_GENERATION, TEXT_TO_IMAGE, UNCONDITIONAL_IMAGE, GAME_MOVE);

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
