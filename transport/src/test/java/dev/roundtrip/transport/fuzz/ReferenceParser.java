package dev.roundtrip.transport.fuzz;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import dev.roundtrip.transport.fuzz.Outcome.Failure;
import dev.roundtrip.transport.fuzz.Outcome.Field;

/**
 * A deliberately simple HTTP/1.1 response parser, the oracle for the differential fuzz
 * tests: the whole wire in one array, RFC 9112's grammar as regular expressions, no
 * streaming and no care for speed. Where the RFCs leave a recipient a choice, it makes
 * the one the project documents (DESIGN 2.5, {@code ResponseParser}, {@code BodyFraming},
 * {@code ChunkedSource}):
 * <ul>
 * <li>a line ends at LF, a CR right before it dropped (RFC 9112 §2.2); a bare CR anywhere
 * else, or a NUL, in a start line or field value is an error;
 * <li>{@code HTTP/1.x} for any digit x above 1 is read as HTTP/1.1 (RFC 9110 §2.5); any
 * other major version is an error; the status code is 100 to 999; the space after it may
 * be missing when there is no reason phrase;
 * <li>an obs-fold line (RFC 9112 §5.2) joins the previous value with one space;
 * <li>a head, 1xx ones included, and a trailer section each take at most the header
 * limit, line ends included; a chunk-size line at most 4096 bytes; a chunk size at most
 * 16 hex digits that fit a {@code long}; chunk extensions are ignored;
 * <li>framing as RFC 9112 §6: {@code Transfer-Encoding} is exactly {@code chunked} on
 * HTTP/1.1 and ignored on HTTP/1.0; with {@code Content-Length} too, or on HTTP/1.0 at
 * all, the connection is closed after the message (§6.1, §6.3); {@code Content-Length}
 * values must all be the same decimal number; chunk data is followed by CRLF exactly
 * (§7.1);
 * <li>the caller sees no {@code Content-Length} beside chunking, and one for several
 * identical or non-plain values (Go's {@code fixLength});
 * <li>content is decoded when there is a body and the first {@code Content-Encoding} is
 * {@code gzip}, {@code x-gzip} or {@code deflate}: an empty body is empty; gzip (RFC
 * 1952) members may follow each other, anything else after one is an error, reserved
 * flags are an error, the header CRC is skipped (as §2.3.1.2 allows); deflate is a zlib
 * stream (RFC 1950) or a raw one (RFC 1951) when the first two bytes are no zlib header,
 * and nothing may follow it.
 * </ul>
 */
final class ReferenceParser {

	private static final Pattern STATUS_LINE = Pattern.compile("HTTP/([0-9])\\.([0-9]) ([0-9]{3})(?: (.*))?",
			Pattern.DOTALL);

	private static final Pattern FIELD_LINE = Pattern.compile("([!#$%&'*+\\-.^_`|~0-9A-Za-z]+):[ \\t]*(.*?)[ \\t]*",
			Pattern.DOTALL);

	private static final Pattern OBS_FOLD = Pattern.compile("[ \\t]+(.*?)[ \\t]*", Pattern.DOTALL);

	private static final Pattern CHUNK_SIZE = Pattern.compile("([0-9A-Fa-f]+)[ \\t]*(;.*)?", Pattern.DOTALL);

	private static final int MAX_CHUNK_SIZE_LINE = 4096;

	private final byte[] wire;

	private final String method;

	private final long maxHeaderBytes;

	private int pos;

	/** The rules with a defect on record that this wire's parse relied on. */
	private final Set<KnownDefect> touched;

	private ReferenceParser(byte[] wire, String method, long maxHeaderBytes, Set<KnownDefect> touched) {
		this.touched = touched;
		this.wire = wire;
		this.method = method;
		this.maxHeaderBytes = maxHeaderBytes;
	}

	static Outcome parse(byte[] wire, String method, long maxHeaderBytes) {
		return parse(wire, method, maxHeaderBytes, EnumSet.noneOf(KnownDefect.class));
	}

	/**
	 * @param touched gets the rules with a defect on record that parsing the wire relied
	 * on
	 */
	static Outcome parse(byte[] wire, String method, long maxHeaderBytes, Set<KnownDefect> touched) {
		return new ReferenceParser(wire, method, maxHeaderBytes, touched).parse();
	}

	private Outcome parse() {
		Outcome outcome = new Outcome();
		while (outcome.messages.size() < CodecRun.MAX_MESSAGES) {
			if (!outcome.messages.isEmpty() && this.pos == this.wire.length) {
				break;
			}
			try {
				Outcome.Message message = message();
				outcome.messages.add(message);
				if (!message.reusable()) {
					break;
				}
			}
			catch (Reject reject) {
				outcome.fail(reject.failure, reject.getMessage(), reject.bodyBeforeFailure);
				break;
			}
		}
		return outcome;
	}

	private Outcome.Message message() throws Reject {
		List<Integer> interim = new ArrayList<>();
		long budget = this.maxHeaderBytes;
		while (true) {
			int start = this.pos;
			String statusLine = line(budget, "head");
			if (statusLine == null) {
				throw new Reject(Failure.TRUNCATED, "closed before a response");
			}
			Matcher status = STATUS_LINE.matcher(statusLine);
			if (!status.matches() || status.group(1).charAt(0) != '1' || Integer.parseInt(status.group(3)) < 100) {
				throw new Reject(Failure.MALFORMED, "status line");
			}
			String reason = (status.group(4) != null) ? status.group(4) : "";
			checkValue(reason);
			int versionMinor = (status.group(2).charAt(0) == '0') ? 0 : 1;
			if (status.group(2).charAt(0) > '1') {
				this.touched.add(KnownDefect.HTTP_1_X);
			}
			int code = Integer.parseInt(status.group(3));
			List<Field> headers = fields(budget - (this.pos - start), "head");
			if (code < 200 && code != 101) {
				interim.add(code);
				budget -= this.pos - start;
				if (budget <= 0) {
					throw new Reject(Failure.MALFORMED, "interim heads exceed the limit");
				}
				continue;
			}
			return body(interim, versionMinor, code, reason, headers);
		}
	}

	private Outcome.Message body(List<Integer> interim, int versionMinor, int status, String reason,
			List<Field> headers) throws Reject {
		List<String> transferCodings = elements(headers, "transfer-encoding");
		boolean hasTransferEncoding = has(headers, "transfer-encoding");
		boolean chunked = false;
		if (versionMinor == 1 && hasTransferEncoding) {
			if (transferCodings.size() != 1 || !transferCodings.get(0).equalsIgnoreCase("chunked")) {
				throw new Reject(Failure.MALFORMED, "Transfer-Encoding other than chunked alone");
			}
			chunked = true;
		}
		boolean hasContentLength = has(headers, "content-length");
		long length = -1;
		if (hasContentLength && !chunked) {
			BigInteger value = null;
			for (String element : elements(headers, "content-length", true)) {
				if (!element.matches("[0-9]+")) {
					throw new Reject(Failure.MALFORMED, "Content-Length not a number");
				}
				BigInteger n = new BigInteger(element);
				if (n.bitLength() > 63 || (value != null && !value.equals(n))) {
					throw new Reject(Failure.MALFORMED, "Content-Length overflows or differs");
				}
				value = n;
			}
			length = value.longValue();
		}
		if (versionMinor == 0 && hasTransferEncoding) {
			this.touched.add(KnownDefect.HTTP_1_0_TRANSFER_ENCODING);
		}
		boolean close = hasToken(headers, "connection", "close")
				|| (versionMinor == 0 && !hasToken(headers, "connection", "keep-alive"))
				|| (hasTransferEncoding && (hasContentLength || versionMinor == 0));
		boolean noBody = status < 200 || status == 204 || status == 304 || "HEAD".equals(this.method)
				|| ("CONNECT".equals(this.method) && status < 300);
		if (!noBody && (chunked || plainLengths(headers) != 1)) {
			// What the caller sees (Go's fixLength): no Content-Length beside chunking,
			// one for several identical values.
			headers = new ArrayList<>(headers);
			headers.removeIf((field) -> field.name().equals("content-length"));
			if (!chunked && hasContentLength) {
				headers.add(new Field("content-length", Long.toString(length)));
			}
		}
		boolean switches = status == 101 || ("CONNECT".equals(this.method) && status / 100 == 2);
		boolean reusable = !close && !switches;
		if (status < 200 || status == 204 || status == 304 || "HEAD".equals(this.method)
				|| ("CONNECT".equals(this.method) && status < 300) || (!chunked && length == 0)) {
			return new Outcome.Message(interim, versionMinor, status, reason, headers, new byte[0], List.of(), this.pos,
					reusable);
		}
		String encoding = first(headers, "content-encoding");
		encoding = (encoding != null) ? encoding.trim().toLowerCase(Locale.ROOT) : "";
		boolean deflate = encoding.equals("deflate");
		boolean gzip = encoding.equals("gzip") || encoding.equals("x-gzip") || deflate;
		byte[] body;
		List<Field> trailers = List.of();
		long end;
		try {
			if (chunked) {
				ByteArrayOutputStream data = new ByteArrayOutputStream();
				trailers = chunks(data);
				body = data.toByteArray();
				end = this.pos;
			}
			else if (length > 0) {
				if (this.wire.length - this.pos < length) {
					throw new Reject(Failure.TRUNCATED, "body shorter than its Content-Length",
							Arrays.copyOfRange(this.wire, this.pos, this.wire.length));
				}
				body = Arrays.copyOfRange(this.wire, this.pos, this.pos + (int) length);
				this.pos += (int) length;
				end = this.pos;
			}
			else {
				body = Arrays.copyOfRange(this.wire, this.pos, this.wire.length);
				this.pos = this.wire.length;
				end = -1;
				reusable = false;
			}
		}
		catch (Reject reject) {
			if (!gzip) {
				throw reject;
			}
			byte[] partial = (reject.bodyBeforeFailure != null) ? reject.bodyBeforeFailure : new byte[0];
			if (partial.length == 0) {
				this.touched.add(KnownDefect.EMPTY_GZIP_BODY);
			}
			if (afterFirstMember(partial)) {
				this.touched.add(KnownDefect.BYTES_AFTER_GZIP_MEMBER);
			}
			throw new Reject(tooLarge(partial, deflate, this.touched) ? Failure.TOO_LARGE : Failure.DECODING,
					"framing failed under gzip: " + reject.getMessage());
		}
		if (gzip) {
			if (body.length == 0) {
				this.touched.add(KnownDefect.EMPTY_GZIP_BODY);
			}
			if (!deflate && afterFirstMember(body)) {
				this.touched.add(KnownDefect.BYTES_AFTER_GZIP_MEMBER);
			}
			body = deflate ? inflate(body, this.touched) : gunzip(body, this.touched);
			headers = new ArrayList<>(headers);
			headers
				.removeIf((field) -> field.name().equals("content-encoding") || field.name().equals("content-length"));
		}
		else if (body.length > CodecRun.MAX_BODY_BYTES) {
			throw new Reject(Failure.TOO_LARGE, "body too large");
		}
		return new Outcome.Message(interim, versionMinor, status, reason, headers, body, trailers, end, reusable);
	}

	/** Chunks into {@code data}, through the last chunk and the trailer section. */
	private List<Field> chunks(ByteArrayOutputStream data) throws Reject {
		while (true) {
			String sizeLine;
			try {
				sizeLine = line(MAX_CHUNK_SIZE_LINE, "chunk-size line");
			}
			catch (Reject reject) {
				throw new Reject(reject.failure, reject.getMessage(), data.toByteArray());
			}
			if (sizeLine == null) {
				throw new Reject(Failure.TRUNCATED, "ended before the last chunk", data.toByteArray());
			}
			Matcher size = CHUNK_SIZE.matcher(sizeLine);
			if (!size.matches()) {
				throw new Reject(Failure.MALFORMED, "chunk-size line", data.toByteArray());
			}
			String hex = size.group(1);
			if (hex.length() > 16 || new BigInteger(hex, 16).bitLength() > 63) {
				throw new Reject(Failure.MALFORMED, "chunk size overflows", data.toByteArray());
			}
			long n = Long.parseLong(hex, 16);
			if (n == 0) {
				try {
					return fields(this.maxHeaderBytes, "trailer");
				}
				catch (Reject reject) {
					throw new Reject(reject.failure, reject.getMessage(), data.toByteArray());
				}
			}
			if (this.wire.length - this.pos < n) {
				data.write(this.wire, this.pos, this.wire.length - this.pos);
				throw new Reject(Failure.TRUNCATED, "ended in a chunk", data.toByteArray());
			}
			data.write(this.wire, this.pos, (int) n);
			this.pos += (int) n;
			if (this.pos == this.wire.length || (this.wire[this.pos] == '\r' && this.pos + 1 == this.wire.length)) {
				throw new Reject(Failure.TRUNCATED, "ended after chunk data", data.toByteArray());
			}
			if (this.wire[this.pos] == '\n') {
				this.touched.add(KnownDefect.BARE_LF_AFTER_CHUNK_DATA);
			}
			if (this.wire[this.pos] != '\r' || this.wire[this.pos + 1] != '\n') {
				throw new Reject(Failure.MALFORMED, "chunk data not followed by CRLF", data.toByteArray());
			}
			this.pos += 2;
		}
	}

	/**
	 * Field lines through the empty line that ends them, all within {@code budget} bytes.
	 */
	private List<Field> fields(long budget, String section) throws Reject {
		List<Field> fields = new ArrayList<>();
		while (true) {
			int start = this.pos;
			String line = line(budget, section);
			if (line == null) {
				throw new Reject(Failure.TRUNCATED, section + " ended");
			}
			budget -= this.pos - start;
			if (line.isEmpty()) {
				return fields;
			}
			Matcher fold = OBS_FOLD.matcher(line);
			if (fold.matches()) {
				if (fields.isEmpty()) {
					throw new Reject(Failure.MALFORMED, "obs-fold before any field");
				}
				String more = fold.group(1);
				checkValue(more);
				if (!more.isEmpty()) {
					Field last = fields.remove(fields.size() - 1);
					fields.add(new Field(last.name(), last.value().isEmpty() ? more : last.value() + " " + more));
				}
				continue;
			}
			Matcher field = FIELD_LINE.matcher(line);
			if (!field.matches()) {
				throw new Reject(Failure.MALFORMED, section + " field line");
			}
			checkValue(field.group(2));
			fields.add(new Field(field.group(1).toLowerCase(Locale.ROOT), field.group(2)));
		}
	}

	/**
	 * The next line, without its LF and a CR before it; {@code null} at the end of the
	 * wire. A line, its line end included, longer than {@code max} bytes is an error
	 * before the end of the wire is.
	 */
	private String line(long max, String what) throws Reject {
		int lf = this.pos;
		while (lf < this.wire.length && this.wire[lf] != '\n') {
			lf++;
		}
		if (lf == this.wire.length) {
			int rest = this.wire.length - this.pos;
			if (rest >= max) {
				throw new Reject(Failure.MALFORMED, what + " too long");
			}
			if (rest == 0) {
				return null;
			}
			throw new Reject(Failure.TRUNCATED, what + " cut short");
		}
		if (lf + 1 - this.pos > max) {
			throw new Reject(Failure.MALFORMED, what + " too long");
		}
		int end = (lf > this.pos && this.wire[lf - 1] == '\r') ? lf - 1 : lf;
		String line = new String(this.wire, this.pos, end - this.pos, StandardCharsets.ISO_8859_1);
		this.pos = lf + 1;
		return line;
	}

	private static void checkValue(String value) throws Reject {
		if (value.indexOf('\0') >= 0 || value.indexOf('\r') >= 0) {
			throw new Reject(Failure.MALFORMED, "NUL or CR in a value");
		}
	}

	/**
	 * The number of {@code Content-Length} fields if each is a plain number; -1 if any is
	 * not. No field counts as one, so that nothing is rewritten.
	 */
	private static int plainLengths(List<Field> fields) {
		int count = 0;
		for (Field field : fields) {
			if (field.name().equals("content-length")) {
				if (!field.value().matches("[0-9]+")) {
					return -1;
				}
				count++;
			}
		}
		return (count == 0) ? 1 : count;
	}

	private static boolean has(List<Field> fields, String name) {
		return first(fields, name) != null;
	}

	private static String first(List<Field> fields, String name) {
		for (Field field : fields) {
			if (field.name().equals(name)) {
				return field.value();
			}
		}
		return null;
	}

	private static List<String> elements(List<Field> fields, String name) {
		return elements(fields, name, false);
	}

	/** The comma-separated elements of every {@code name} field, trimmed. */
	private static List<String> elements(List<Field> fields, String name, boolean keepEmpty) {
		List<String> elements = new ArrayList<>();
		for (Field field : fields) {
			if (field.name().equals(name)) {
				for (String element : field.value().split(",", -1)) {
					String trimmed = element.replaceAll("^[ \\t]+|[ \\t]+$", "");
					if (keepEmpty || !trimmed.isEmpty()) {
						elements.add(trimmed);
					}
				}
			}
		}
		return elements;
	}

	private static boolean hasToken(List<Field> fields, String name, String token) {
		return elements(fields, name).stream().anyMatch(token::equalsIgnoreCase);
	}

	private static boolean tooLarge(byte[] encoded, boolean deflate, Set<KnownDefect> touched) {
		try {
			if (deflate) {
				inflate(encoded, touched);
			}
			else {
				gunzip(encoded, touched);
			}
			return false;
		}
		catch (Reject reject) {
			return reject.failure == Failure.TOO_LARGE;
		}
	}

	/** Whether bytes follow the end of the first gzip member. */
	private static boolean afterFirstMember(byte[] gzip) {
		try {
			return memberEnd(gzip, 0, new ByteArrayOutputStream(), EnumSet.noneOf(KnownDefect.class)) < gzip.length;
		}
		catch (Reject reject) {
			return false;
		}
	}

	/** RFC 1952, one member or more; an empty input is an empty body. */
	static byte[] gunzip(byte[] gzip, Set<KnownDefect> touched) throws Reject {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int p = 0;
		while (p < gzip.length) {
			p = memberEnd(gzip, p, out, touched);
		}
		return out.toByteArray();
	}

	/** Decodes the member at {@code p} into {@code out}; where it ends. */
	private static int memberEnd(byte[] gzip, int p, ByteArrayOutputStream out, Set<KnownDefect> touched)
			throws Reject {
		{
			if (gzip.length - p < 10) {
				throw new Reject(Failure.DECODING, "gzip header cut short");
			}
			if ((gzip[p] & 0xff) != 0x1f || (gzip[p + 1] & 0xff) != 0x8b || gzip[p + 2] != 8) {
				throw new Reject(Failure.DECODING, "not a gzip member");
			}
			int flags = gzip[p + 3] & 0xff;
			if ((flags & 0xe0) != 0) {
				throw new Reject(Failure.DECODING, "reserved gzip flags");
			}
			p += 10;
			if ((flags & 4) != 0) {
				if (gzip.length - p < 2) {
					throw new Reject(Failure.DECODING, "gzip extra field cut short");
				}
				int extra = (gzip[p] & 0xff) | (gzip[p + 1] & 0xff) << 8;
				p += 2 + extra;
			}
			for (int flag : new int[] { 8, 16 }) {
				if ((flags & flag) != 0) {
					while (p < gzip.length && gzip[p] != 0) {
						p++;
					}
					p++;
				}
			}
			if ((flags & 2) != 0) {
				if (p + 2 > gzip.length) {
					throw new Reject(Failure.DECODING, "gzip header CRC cut short");
				}
				// RFC 1952 §2.3.1.2 lets a decompressor skip the header CRC, and the
				// project does.
				p += 2;
			}
			if (p > gzip.length) {
				throw new Reject(Failure.DECODING, "gzip header cut short");
			}
			int before = out.size();
			p = inflateInto(gzip, p, true, out);
			CRC32 crc = new CRC32();
			byte[] decoded = out.toByteArray();
			crc.update(decoded, before, decoded.length - before);
			long size = decoded.length - before;
			if (gzip.length - p < 8) {
				touched.add(KnownDefect.INFLATER_OUTPUT_PENDING);
				throw new Reject(Failure.DECODING, "gzip trailer cut short");
			}
			long crcValue = le32(gzip, p);
			long isize = le32(gzip, p + 4);
			if (crcValue != crc.getValue() || isize != (size & 0xffffffffL)) {
				throw new Reject(Failure.DECODING, "gzip trailer");
			}
			p += 8;
		}
		return p;
	}

	/**
	 * RFC 9110 §8.4.1.2 deflate: a zlib stream (RFC 1950), or as the project also
	 * accepts, a raw RFC 1951 stream when the first two bytes are no zlib header; nothing
	 * may follow it; an empty input is an empty body.
	 */
	static byte[] inflate(byte[] deflate, Set<KnownDefect> touched) throws Reject {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		if (deflate.length == 0) {
			return out.toByteArray();
		}
		boolean zlib = deflate.length >= 2 && (deflate[0] & 0x0f) == 8 && ((deflate[0] & 0xff) >>> 4) <= 7
				&& (((deflate[0] & 0xff) << 8) | (deflate[1] & 0xff)) % 31 == 0;
		if (!zlib) {
			touched.add(KnownDefect.INFLATER_OUTPUT_PENDING);
		}
		if (inflateInto(deflate, 0, !zlib, out) != deflate.length) {
			throw new Reject(Failure.DECODING, "bytes after the deflate stream");
		}
		return out.toByteArray();
	}

	/** Inflates the stream at {@code p} into {@code out}; where it ends. */
	private static int inflateInto(byte[] in, int p, boolean raw, ByteArrayOutputStream out) throws Reject {
		Inflater inflater = new Inflater(raw);
		try {
			inflater.setInput(in, p, in.length - p);
			byte[] buffer = new byte[8192];
			while (!inflater.finished()) {
				int n = inflater.inflate(buffer);
				if (n == 0 && !inflater.finished()) {
					throw new Reject(Failure.DECODING, "deflate data cut short or needs a dictionary");
				}
				out.write(buffer, 0, n);
				if (out.size() > CodecRun.MAX_BODY_BYTES) {
					throw new Reject(Failure.TOO_LARGE, "body too large");
				}
			}
			return in.length - inflater.getRemaining();
		}
		catch (DataFormatException ex) {
			throw new Reject(Failure.DECODING, "deflate data: " + ex.getMessage());
		}
		finally {
			inflater.end();
		}
	}

	private static long le32(byte[] b, int p) {
		return ((b[p] & 0xffL) | (b[p + 1] & 0xffL) << 8 | (b[p + 2] & 0xffL) << 16 | (b[p + 3] & 0xffL) << 24);
	}

	/** The wire is refused: how, and the body bytes that came before. */
	static final class Reject extends Exception {

		final Failure failure;

		final byte[] bodyBeforeFailure;

		Reject(Failure failure, String why) {
			this(failure, why, null);
		}

		Reject(Failure failure, String why, byte[] bodyBeforeFailure) {
			super(why, null, false, false);
			this.failure = failure;
			this.bodyBeforeFailure = bodyBeforeFailure;
		}

	}

}
