package dev.roundtrip.benchmarks;

import java.util.Arrays;
import java.util.List;

/**
 * What one measurement sends and what nginx answers; the paths are the ones
 * {@code benchmarks/run} configures.
 *
 * @param name the name used on the command line and in the results
 * @param label the name shown in the tables
 * @param method the request method
 * @param path the request path on nginx
 * @param requestBytes the size of the request body, 0 for none
 * @param responseBytes the size of the response body nginx sends
 * @param https whether the request goes to nginx's TLS 1.3 port
 */
record Shape(String name, String label, String method, String path, int requestBytes, int responseBytes,
		boolean https) {

	static final Shape GET_13 = new Shape("get13", "GET 13 B", "GET", "/13", 0, 13, false);

	static final List<Shape> ALL = List.of(GET_13, new Shape("get4k", "GET 4 KB", "GET", "/4k", 0, 4096, false),
			new Shape("get1m", "GET 1 MB", "GET", "/1m", 0, 1 << 20, false),
			new Shape("chunked4k", "GET 4 KB chunked", "GET", "/chunked", 0, 4096, false),
			new Shape("post4k", "POST 4 KB", "POST", "/post", 4096, 13, false),
			new Shape("post1m", "POST 1 MB", "POST", "/post", 1 << 20, 13, false),
			new Shape("https13", "GET 13 B over TLS 1.3", "GET", "/13", 0, 13, true));

	static Shape named(String name) {
		return ALL.stream()
			.filter((shape) -> shape.name.equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("unknown shape " + name + "; known: " + ALL));
	}

	/**
	 * The request body: the same bytes for every request of a measurement.
	 * @return the body, empty when the shape sends none
	 */
	byte[] requestBody() {
		byte[] body = new byte[this.requestBytes];
		Arrays.fill(body, (byte) 'x');
		return body;
	}

	@Override
	public String toString() {
		return this.name;
	}

}
