package org.chimp.store;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
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
import org.chimp.api.error.ClientErrorException;

/**
 * Checks an uploaded zip against the dataset layout and unpacks it. Every entry is checked before a single
 * byte is unpacked, and unpacking counts the bytes really produced (declared sizes can lie) so a zip bomb is
 * stopped early. One instance per upload: it counts the bytes unpacked so far.
 */
final class DatasetZip {
    static final String LAYOUT = "expected train/<label>/<image> and optionally test/<label>/<image>, "
            + "images ending in .png, .jpg or .jpeg";
    private static final Set<String> SPLITS = Set.of("train", "test");
    private static final Pattern IMAGE = Pattern.compile("(?i).+\\.(png|jpe?g)");
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

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
        ZipFile zf;
        try {
            zf = new ZipFile(zip.toFile());
        } catch (ZipException e) {
            throw ClientErrorException.invalid("The upload is not a zip file (" + e.getMessage() + "); " + LAYOUT, e);
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
                if (!seen.add(e.getName().toLowerCase(Locale.ROOT))) {
                    throw ClientErrorException.invalid("The zip has the entry '" + e.getName() + "' more than once "
                            + "(names differing only in case count as the same); remove the duplicate");
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
                throw ClientErrorException.invalid("The zip entry '" + e.getName() + "' does not fit the dataset layout: " + LAYOUT);
            }
            String label = seg[0] + "/" + seg[1];
            String before = labels.putIfAbsent(label.toLowerCase(Locale.ROOT), label);
            if (before != null && !before.equals(label)) {
                throw ClientErrorException.invalid("The zip has the labels '" + before + "' and '" + label
                        + "', which differ only in case; use one spelling");
            }
            planned.add(new Planned(e, path));
        }
        if (planned.stream().noneMatch(p -> p.path().startsWith("train/"))) {
            throw ClientErrorException.invalid("The dataset is empty: the zip has no images under train/; " + LAYOUT);
        }
        return planned;
    }

    /** Rejects names that would land outside the target directory, whatever the unpacking code does. */
    private static void checkSafe(String name) {
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
            throw ClientErrorException.invalid("The zip entry '" + name + "' " + problem
                    + " and could point outside the dataset; zip the dataset folder itself with relative paths");
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
                    throw ClientErrorException.tooLarge("The zip entry '" + p.entry().getName() + "' expands more than "
                            + limits.maxRatio() + " times its compressed size; such zips (zip bombs) are refused");
                }
                md.update(buf, 0, n);
                os.write(buf, 0, n);
            }
        } catch (ZipException | EOFException e) {
            throw ClientErrorException.invalid("The zip file is damaged at entry '" + p.entry().getName() + "': " + e.getMessage(), e);
        }
        return new DatasetFile(p.path(), out, size, HexFormat.of().formatHex(md.digest()));
    }
}
