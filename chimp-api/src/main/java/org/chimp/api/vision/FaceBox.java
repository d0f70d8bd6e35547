package org.chimp.api.vision;

import org.chimp.api.image.Image;

/** Where a face is in an image, in pixels: its top-left corner and size, inside the image. */
public record FaceBox(int x, int y, int width, int height) {
    public FaceBox {
        if (x < 0 || y < 0 || width < 1 || height < 1) {
            throw new IllegalArgumentException("Bad face box " + x + "," + y + " " + width + "x" + height);
        }
    }

    /** The box's area, to order faces largest first. */
    public long area() {
        return (long) width * height;
    }

    /** The pixels inside the box (the box must lie inside the image). */
    public Image crop(Image image) {
        if (x + width > image.width() || y + height > image.height()) {
            throw new IllegalArgumentException("Face box " + this + " is outside the " + image.width() + "x" + image.height() + " image");
        }
        int c = image.channels();
        float[] out = new float[width * height * c];
        for (int row = 0; row < height; row++) {
            System.arraycopy(image.pixels(), ((y + row) * image.width() + x) * c, out, row * width * c, width * c);
        }
        return new Image(width, height, c, out);
    }
}
