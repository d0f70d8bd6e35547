package org.chimp.api.embedding;

import java.util.List;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;

/** Texts and images to embed into one vector space; either list may be empty, not both. */
public record TextsAndImages(List<String> texts, List<Image> images) {
    public TextsAndImages {
        texts = List.copyOf(texts);
        images = List.copyOf(images);
        if (texts.isEmpty() && images.isEmpty()) {
            throw ClientErrorException.invalid("Nothing to embed: send \"texts\" (a text or a list), \"images\" (a list of images), or both");
        }
    }
}
