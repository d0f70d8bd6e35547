package org.chimp.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntSupplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 server in the test's JVM: s3proxy on a free loopback port, keeping its objects in a directory. s3proxy
 * relocates its Jetty 12 inside its jar but needs the Servlet 6 API and Jackson 3 (with the 2.22 annotations), while
 * Javalin's Jetty 11 needs Servlet 5 and CHIMP pins Jackson 2.18: so s3proxy runs in a class loader of its own, fully
 * isolated, built from the class path chimp-store's build writes to {@code target/s3proxy.classpath} (named by the
 * system property {@code chimp.s3proxy.classpath}, which any module's tests can set), and speaks to the test only
 * through JDK types.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String ACCESS_KEY = "chimp-test";
    public static final String SECRET_KEY = "chimp-test-secret";

    private final AutoCloseable proxy;
    private final URI endpoint;

    private S3TestServer(AutoCloseable proxy, URI endpoint) {
        this.proxy = proxy;
        this.endpoint = endpoint;
    }

    /** Starts a server keeping its buckets under {@code dir}. */
    public static S3TestServer start(Path dir) throws Exception {
        Files.createDirectories(dir);
        ClassLoader loader = new URLClassLoader("s3proxy", classPath(), ClassLoader.getPlatformClassLoader());
        Object launched = loader.loadClass(S3ProxyLauncher.class.getName())
                .getMethod("start", String.class, String.class, String.class)
                .invoke(null, dir.toAbsolutePath().toString(), ACCESS_KEY, SECRET_KEY);
        int port = ((IntSupplier) launched).getAsInt();
        return new S3TestServer((AutoCloseable) launched, URI.create("http://127.0.0.1:" + port));
    }

    /** The launcher's own location, then the listed jars with the Servlet 6 API ahead of any Servlet 5 jar. */
    private static URL[] classPath() throws IOException {
        String file = System.getProperty("chimp.s3proxy.classpath");
        if (file == null || !Files.isRegularFile(Path.of(file))) {
            throw new IllegalStateException("System property chimp.s3proxy.classpath must name the class path file chimp-store's "
                    + "build writes (chimp-store/target/s3proxy.classpath); got " + file);
        }
        List<String> jars = new ArrayList<>(List.of(Files.readString(Path.of(file)).trim().split(java.io.File.pathSeparator)));
        jars.sort(Comparator.comparing(j -> !j.contains("jakarta.servlet-api-6")));
        List<URL> urls = new ArrayList<>();
        urls.add(S3ProxyLauncher.class.getProtectionDomain().getCodeSource().getLocation());
        for (String jar : jars) {
            urls.add(Path.of(jar).toUri().toURL());
        }
        return urls.toArray(URL[]::new);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Options that reach this server (path-style, small parts so multipart is exercised by modest objects). */
    public S3Options options() {
        return new S3Options(endpoint, "us-east-1", true, S3Options.MIN_PART_SIZE, 3);
    }

    public StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    public S3Client client() {
        return S3BlobStore.client(options(), credentials());
    }

    /** Creates a bucket and returns a store on it under {@code prefix}. */
    public S3BlobStore store(String bucket, String prefix) {
        S3Client c = client();
        if (!c.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket))) {
            c.createBucket(r -> r.bucket(bucket));
        }
        return new S3BlobStore(c, bucket, prefix, S3Options.MIN_PART_SIZE);
    }

    @Override
    public void close() throws Exception {
        proxy.close();
    }
}
