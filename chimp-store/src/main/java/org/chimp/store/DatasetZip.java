package org.chimp.store;

import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.chimp.api.Names;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.error.Quote;
import org.chimp.api.image.Image;

/**
 * Checks an uploaded zip against the dataset layout and unpacks it. Every entry name is checked before a single
 * byte is unpacked, and unpacking counts the bytes really produced (declared sizes can lie) so a zip bomb is
 * stopped early. Every image is then decoded once within {@link org.chimp.api.image.ImageLimits}, so a corrupt
 * file or a small file declaring a huge image (a decompression bomb) is refused here, naming the entry, instead of
 * failing training later. One instance per upload: it counts the bytes unpacked so far.
 */
final class DatasetZip {
    static final String LAYOUT = "expected train/<label>/<image> and optionally test/<label>/<image>, "
            + "images ending in .png, .jpg or .jpeg";
    private static final Set<String> SPLITS = Set.of("train", "test");
    private static final Pattern IMAGE = Pattern.compile("(?i).+\\.(png|jpe?g)");
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");
    /** Longest entry name looked at; longer ones are refused before anything else is done with them. */
    static final int MAX_ENTRY_NAME = 1024;
    /**
     * Longest path segment in UTF-8 bytes: file systems allow 255, and the blob store writes each file through a
     * temporary sibling whose name is about 50 bytes longer.
     */
    static final int MAX_SEGMENT_BYTES = 200;
    /**
     * Central directory bytes allowed per allowed entry: a 46-byte header, a name of a few hundred bytes and the
     * usual extra fields. It bounds the memory ZipFile and the checks here take for the list of entries.
     */
    static final long DIRECTORY_BYTES_PER_ENTRY = 320;
    /** Largest image file: decoding reads it into memory, and a 4096x4096 photo is a few megabytes. */
    static final long MAX_IMAGE_BYTES = 64L << 20;

    private final UploadLimits limits;
    private long unpacked;

    DatasetZip(UploadLimits limits) {
        this.limits = limits;
    }

    /** An image entry that passed every check, with its place in the dataset. */
    private record Planned(ZipEntry entry, String path) {
    }

    /** Validates the zip and unpacks its images under {@code targetDir} as {@code <split>/<label>/<file>}. */
    ExtractedDataset extract(Path zip, Path targetDir) throws IOException {
        long directory = ZipDirectorySize.of(zip);
        long maxDirectory = limits.maxEntries() * DIRECTORY_BYTES_PER_ENTRY;
        if (directory > maxDirectory) {
            throw ClientErrorException.tooLarge("The zip's list of entries (its central directory) takes " + directory
                    + " bytes; at most " + maxDirectory + " are allowed: use fewer entries, shorter names, no comments");
        }
        ZipFile zf;
        try {
            zf = new ZipFile(zip.toFile());
        } catch (ZipException | EOFException e) {
            // A truncated central directory ends in EOFException rather than ZipException.
            throw ClientErrorException.invalid("The upload is not a zip file (" + (e.getMessage() == null ? "it is truncated"
                    : e.getMessage()) + "); " + LAYOUT, e);
        }
        try (zf) {
            List<Planned> planned = plan(zf);
            List<DatasetFile> files = new ArrayList<>();
            for (Planned p : planned) {
                files.add(unpack(zf, p, targetDir));
            }
            return new ExtractedDataset(files);
        }
    }

    private List<Planned> plan(ZipFile zf) {
        if (zf.size() > limits.maxEntries()) {
            throw ClientErrorException.invalid("The zip has " + zf.size() + " entries; at most " + limits.maxEntries() + " are allowed");
        }
        Set<String> seen = new HashSet<>();
        List<ZipEntry> kept = new ArrayList<>();
        try {
            for (Enumeration<? extends ZipEntry> en = zf.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                checkSafe(e.getName());
                if (!seen.add(sameness(e.getName()))) {
                    throw ClientErrorException.invalid("The zip has the entry '" + Quote.text(e.getName()) + "' more than once "
                            + "(names differing only in case or in how accents are encoded count as the same); remove the duplicate");
                }
                if (!e.isDirectory() && !isJunk(e.getName())) {
                    kept.add(e);
                }
            }
        } catch (IllegalArgumentException e) {
            // ZipFile reports undecodable entry names this way.
            throw ClientErrorException.invalid("The zip file is damaged: " + e.getMessage(), e);
        }
        String wrapper = commonWrapper(kept);
        List<Planned> planned = new ArrayList<>();
        Map<String, String> labels = new HashMap<>();
        for (ZipEntry e : kept) {
            String path = wrapper == null ? e.getName() : e.getName().substring(wrapper.length() + 1);
            String[] seg = path.split("/");
            if (seg.length != 3 || !SPLITS.contains(seg[0]) || !IMAGE.matcher(seg[2]).matches()) {
                throw ClientErrorException.invalid("The zip entry '" + Quote.text(e.getName()) + "' does not fit the dataset layout: " + LAYOUT);
            }
            checkLabel(e.getName(), seg[1]);
            String label = seg[0] + "/" + seg[1];
            String before = labels.putIfAbsent(sameness(label), label);
            if (before != null && !before.equals(label)) {
                throw ClientErrorException.invalid("The zip has the labels '" + Quote.text(before) + "' and '" + Quote.text(label)
                        + "', which differ only in case or in how accents are encoded; use one spelling");
            }
            planned.add(new Planned(e, path));
        }
        if (planned.stream().noneMatch(p -> p.path().startsWith("train/"))) {
            throw ClientErrorException.invalid("The dataset is empty: the zip has no images under train/; " + LAYOUT);
        }
        return planned;
    }

    /**
     * The form in which two names count as the same: they look alike ('é' as one character or as 'e' and an accent)
     * and case-insensitive file systems (macOS, Windows) would put them in one place.
     */
    static String sameness(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }

    /** Rejects names that would land outside the target directory, whatever the unpacking code does. */
    private static void checkSafe(String name) {
        if (name.length() > MAX_ENTRY_NAME) {
            throw ClientErrorException.invalid("The zip entry '" + Quote.text(name) + "' has a name of " + name.length()
                    + " characters; at most " + MAX_ENTRY_NAME + " are allowed");
        }
        String problem = null;
        if (name.isEmpty() || name.startsWith("/") || DRIVE.matcher(name).matches()) {
            problem = "is an absolute path";
        } else if (name.indexOf('\\') >= 0) {
            problem = "contains a backslash";
        } else if (name.chars().anyMatch(Character::isISOControl)) {
            problem = "contains control characters";
        } else {
            String body = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
            for (String seg : body.split("/", -1)) {
                if (seg.equals("..") || seg.equals(".") || seg.isEmpty()) {
                    problem = "has '..', '.' or empty path segments";
                    break;
                }
            }
        }
        if (problem != null) {
            throw ClientErrorException.invalid("The zip entry '" + Quote.text(name) + "' " + problem
                    + " and could point outside the dataset; zip the dataset folder itself with relative paths");
        }
        for (String seg : name.split("/")) {
            if (seg.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                throw ClientErrorException.invalid("The zip entry '" + Quote.text(name) + "' has a folder or file name longer than "
                        + MAX_SEGMENT_BYTES + " bytes (UTF-8); shorten it");
            }
        }
    }

    /** Labels become class names and folder names: the one rule for them is {@link Names#label}. */
    private static void checkLabel(String entry, String label) {
        try {
            Names.label(label);
        } catch (ClientErrorException e) {
            throw ClientErrorException.invalid("The zip entry '" + Quote.text(entry) + "' has an unusable label folder: " + e.getMessage(), e);
        }
    }

    /** Files that archivers add on their own (macOS resource forks and folder settings). */
    private static boolean isJunk(String name) {
        String file = name.substring(name.lastIndexOf('/') + 1);
        return name.startsWith("__MACOSX/") || file.equals(".DS_Store") || file.startsWith("._");
    }

    /** The one top-level folder all files share when someone zipped the dataset folder, or null. */
    private static String commonWrapper(List<ZipEntry> files) {
        String first = null;
        for (ZipEntry e : files) {
            int slash = e.getName().indexOf('/');
            if (slash < 0) {
                return null;
            }
            String top = e.getName().substring(0, slash);
            if (first == null) {
                first = top;
            } else if (!first.equals(top)) {
                return null;
            }
        }
        return first == null || SPLITS.contains(first) ? null : first;
    }

    private DatasetFile unpack(ZipFile zf, Planned p, Path targetDir) throws IOException {
        Path out = targetDir.resolve(p.path()).normalize();
        if (!out.startsWith(targetDir)) {
            throw new IllegalStateException("Entry " + p.path() + " escaped the target directory despite validation");
        }
        Files.createDirectories(out.getParent());
        long allowed = Math.max(p.entry().getCompressedSize(), 1) * limits.maxRatio();
        MessageDigest md = Sha256.digest();
        long size = 0;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = zf.getInputStream(p.entry());
             OutputStream os = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                size += n;
                unpacked += n;
                if (unpacked > limits.maxUncompressedBytes()) {
                    throw ClientErrorException.tooLarge("The zip unpacks to more than " + limits.maxUncompressedBytes()
                            + " bytes, the limit; split the dataset or shrink the images");
                }
                if (size > allowed) {
                    throw ClientErrorException.tooLarge("The zip entry '" + Quote.text(p.entry().getName()) + "' expands more than "
                            + limits.maxRatio() + " times its compressed size; such zips (zip bombs) are refused");
                }
                if (size > MAX_IMAGE_BYTES) {
                    throw ClientErrorException.tooLarge("The zip entry '" + Quote.text(p.entry().getName()) + "' is larger than "
                            + MAX_IMAGE_BYTES + " bytes, the limit for one image; shrink it");
                }
                md.update(buf, 0, n);
                os.write(buf, 0, n);
            }
        } catch (ZipException | EOFException e) {
            throw ClientErrorException.invalid("The zip file is damaged at entry '" + Quote.text(p.entry().getName()) + "': " + e.getMessage(), e);
        }
        checkImage(p, out);
        return new DatasetFile(p.path(), out, size, HexFormat.of().formatHex(md.digest()));
    }

    /**
     * Decodes the image as training will. For small images (the usual dataset) reading the header through ImageIO
     * costs about as much as decoding, so the full decode is kept: it also catches truncated and corrupt files.
     */
    private static void checkImage(Planned p, Path file) throws IOException {
        try {
            Image.decode(Files.readAllBytes(file));
        } catch (ClientErrorException e) {
            String message = "The zip entry '" + Quote.text(p.entry().getName()) + "' is not a usable image: " + e.getMessage();
            throw e.status() == 413 ? ClientErrorException.tooLarge(message) : ClientErrorException.invalid(message, e);
        }
    }
}
