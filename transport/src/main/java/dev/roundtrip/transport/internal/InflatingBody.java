package dev.roundtrip.transport.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * A {@code gzip} (RFC 1952) or {@code deflate} (RFC 9110 §8.4.1.2: zlib, RFC 1950, or the
 * raw RFC 1951 stream some servers send) response body, decoded lazily: nothing is read
 * until the caller reads, so closing it unread costs no inflation.
 *
 * <p>
 * The container is parsed here rather than by {@code GZIPInputStream}, whose outcome
 * depends on how the bytes arrive (it drops what follows a member when that is in the
 * same buffer, and reads a truncated second member as the end). The rules, whatever the
 * segmentation:
 * <ul>
 * <li>an empty body is an empty body, however it is framed;</li>
 * <li>gzip members may follow each other (Go's multistream reader); anything after a
 * member that is not another member is an error, as in Go;</li>
 * <li>a deflate stream ends the body: bytes after it are an error;</li>
 * <li>a truncated stream is an {@link EOFException}, a corrupt one a
 * {@link ZipException}; either fails the underlying body, so its connection is closed,
 * never drained back into the pool.</li>
 * </ul>
 * Go: {@code gzipReader} in {@code transport.go}.
 */
final class InflatingBody extends InputStream {

	/** The codings this transport asks for, and decodes. */
	enum Coding {

		GZIP("gzip"), DEFLATE("deflate");

		private final String token;

		Coding(String token) {
			this.token = token;
		}

		/** The coding a {@code Content-Encoding} value names, or null for any other. */
		static Coding of(String contentEncoding) {
			if (contentEncoding == null) {
				return null;
			}
			String value = contentEncoding.trim();
			if (value.equalsIgnoreCase("gzip") || value.equalsIgnoreCase("x-gzip")) {
				return GZIP;
			}
			return value.equalsIgnoreCase("deflate") ? DEFLATE : null;
		}

	}

	/** What the decoder reads from: the response body as framed on the connection. */
	interface EncodedSource {

		int read(byte[] b, int off, int len) throws IOException;

		/**
		 * Called once, before the first read: the end of the encoded bytes no longer ends
		 * the exchange, {@link #decodingFinished} or {@link #failDecoding} does.
		 */
		void decodeWith();

		/** The content decoded to its end without error. */
		void decodingFinished();

		/**
		 * The content is corrupt or truncated: end the exchange and close the connection.
		 */
		void failDecoding(IOException failure);

		void close() throws IOException;

	}

	/** The {@code Accept-Encoding} value asking for every coding decoded here. */
	static final String ACCEPT_ENCODING = "gzip, deflate";

	private static final int FHCRC = 2;

	private static final int FEXTRA = 4;

	private static final int FNAME = 8;

	private static final int FCOMMENT = 16;

	private static final int RESERVED_FLAGS = 0xe0;

	private static final int START = 0;

	private static final int DATA = 1;

	private static final int DONE = 2;

	private final EncodedSource encoded;

	private final Coding coding;

	private final byte[] buffer = new byte[8192];

	private int pos;

	private int limit;

	private Inflater inflater;

	private final CRC32 crc = new CRC32();

	private long memberSize;

	private int members;

	private int state = START;

	/** The first failure; every later read throws it again. */
	private IOException failure;

	/** For single-byte reads, which should not allocate. */
	private final byte[] one = new byte[1];

	InflatingBody(EncodedSource encoded, Coding coding) {
		this.encoded = encoded;
		this.coding = coding;
		encoded.decodeWith();
	}

	@Override
	public int read() throws IOException {
		int n = read(this.one, 0, 1);
		return (n == 1) ? this.one[0] & 0xff : -1;
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		Objects.checkFromIndexSize(off, len, b.length);
		if (this.failure != null) {
			throw this.failure;
		}
		if (len == 0) {
			return 0;
		}
		try {
			return decode(b, off, len);
		}
		catch (IOException ex) {
			this.failure = ex;
			this.encoded.failDecoding(ex);
			end();
			throw ex;
		}
		catch (DataFormatException ex) {
			ZipException failure = new ZipException(
					"response body is not valid " + this.coding.token + ": " + ex.getMessage());
			failure.initCause(ex);
			this.failure = failure;
			this.encoded.failDecoding(failure);
			end();
			throw failure;
		}
	}

	private int decode(byte[] b, int off, int len) throws IOException, DataFormatException {
		while (true) {
			switch (this.state) {
				case DONE -> {
					return -1;
				}
				case START -> {
					if (!startMember()) {
						finished();
						return -1;
					}
					this.state = DATA;
				}
				default -> {
					int n = inflate(b, off, len);
					if (n > 0) {
						return n;
					}
				}
			}
		}
	}

	/**
	 * Reads what precedes the compressed data; false at a clean end of the body: an empty
	 * body, or the end after a whole gzip member.
	 */
	private boolean startMember() throws IOException {
		if (!fill()) {
			return false;
		}
		if (this.coding == Coding.DEFLATE) {
			boolean zlib = isZlibHeader();
			this.inflater = new Inflater(!zlib);
			return true;
		}
		readGzipHeader();
		if (this.inflater == null) {
			this.inflater = new Inflater(true);
		}
		else {
			this.inflater.reset();
		}
		this.crc.reset();
		this.memberSize = 0;
		this.members++;
		return true;
	}

	/**
	 * Whether the stream starts with a zlib header (RFC 1950 §2.2: method 8, a window of
	 * at most 32 KiB, and a check value); a raw deflate block cannot pass this test.
	 */
	private boolean isZlibHeader() throws IOException {
		if (this.limit - this.pos < 2 && !fillAtLeast(2)) {
			return false;
		}
		int cmf = this.buffer[this.pos] & 0xff;
		int flg = this.buffer[this.pos + 1] & 0xff;
		return (cmf & 0x0f) == 8 && (cmf >>> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
	}

	private void readGzipHeader() throws IOException {
		int id1 = nextByte();
		int id2 = (id1 < 0) ? -1 : nextByte();
		if (id1 == 0x1f && id2 < 0) {
			throw truncated("in its header");
		}
		if (id1 != 0x1f || id2 != 0x8b) {
			if (this.members > 0) {
				throw new ZipException("response body has bytes after the end of its gzip stream");
			}
			throw new ZipException("response body is not valid gzip: it does not start with the gzip magic bytes");
		}
		int method = requireByte();
		if (method != 8) {
			throw new ZipException("response body is not valid gzip: compression method " + method + " is not deflate");
		}
		int flags = requireByte();
		if ((flags & RESERVED_FLAGS) != 0) {
			throw new ZipException("response body is not valid gzip: reserved header flags are set");
		}
		// MTIME (4), XFL, OS.
		skipBytes(6);
		if ((flags & FEXTRA) != 0) {
			int extra = requireByte() | (requireByte() << 8);
			skipBytes(extra);
		}
		if ((flags & FNAME) != 0) {
			skipZeroTerminated();
		}
		if ((flags & FCOMMENT) != 0) {
			skipZeroTerminated();
		}
		if ((flags & FHCRC) != 0) {
			skipBytes(2);
		}
	}

	/** Inflates into {@code b}; 0 when it had to read input or finished a member. */
	private int inflate(byte[] b, int off, int len) throws IOException, DataFormatException {
		Inflater inflater = this.inflater;
		// What the inflater holds first: with all its input taken it may still have
		// output
		// pending for a read smaller than what that input decodes to.
		int n = inflater.inflate(b, off, len);
		if (n == 0 && !inflater.finished() && !inflater.needsDictionary() && inflater.needsInput()) {
			if (!fill()) {
				throw truncated("in its compressed data");
			}
			inflater.setInput(this.buffer, this.pos, this.limit - this.pos);
			n = inflater.inflate(b, off, len);
		}
		this.pos = this.limit - inflater.getRemaining();
		if (inflater.needsDictionary()) {
			throw new ZipException(
					"response body is not valid " + this.coding.token + ": it needs a preset dictionary");
		}
		if (n > 0 && this.coding == Coding.GZIP) {
			this.crc.update(b, off, n);
			this.memberSize += n;
		}
		if (inflater.finished()) {
			if (this.coding == Coding.GZIP) {
				readGzipTrailer();
				this.state = START;
			}
			else {
				if (this.pos < this.limit || fill()) {
					throw new ZipException("response body has bytes after the end of its deflate stream");
				}
				finished();
			}
		}
		return n;
	}

	private void readGzipTrailer() throws IOException {
		long crc = readIntLE();
		long size = readIntLE();
		if (crc != this.crc.getValue()) {
			throw new ZipException("response body is not valid gzip: CRC-32 mismatch");
		}
		if (size != (this.memberSize & 0xffffffffL)) {
			throw new ZipException("response body is not valid gzip: its length does not match the trailer");
		}
	}

	private long readIntLE() throws IOException {
		long value = 0;
		for (int i = 0; i < 4; i++) {
			int b = nextByte();
			if (b < 0) {
				throw truncated("in its trailer");
			}
			value |= ((long) b) << (8 * i);
		}
		return value;
	}

	private int requireByte() throws IOException {
		int b = nextByte();
		if (b < 0) {
			throw truncated("in its header");
		}
		return b;
	}

	private void skipBytes(int n) throws IOException {
		for (int i = 0; i < n; i++) {
			requireByte();
		}
	}

	private void skipZeroTerminated() throws IOException {
		while (requireByte() != 0) {
			// The file name or comment: not needed.
		}
	}

	private int nextByte() throws IOException {
		if (this.pos == this.limit && !fill()) {
			return -1;
		}
		return this.buffer[this.pos++] & 0xff;
	}

	/** Ensures a byte is buffered; false at the end of the encoded body. */
	private boolean fill() throws IOException {
		if (this.pos < this.limit) {
			return true;
		}
		int n = this.encoded.read(this.buffer, 0, this.buffer.length);
		if (n < 0) {
			this.pos = 0;
			this.limit = 0;
			return false;
		}
		this.pos = 0;
		this.limit = n;
		return true;
	}

	/** Ensures {@code n} bytes are buffered, moving what is there to the front. */
	private boolean fillAtLeast(int n) throws IOException {
		System.arraycopy(this.buffer, this.pos, this.buffer, 0, this.limit - this.pos);
		this.limit -= this.pos;
		this.pos = 0;
		while (this.limit < n) {
			int read = this.encoded.read(this.buffer, this.limit, this.buffer.length - this.limit);
			if (read < 0) {
				return false;
			}
			this.limit += read;
		}
		return true;
	}

	private void finished() {
		this.state = DONE;
		end();
		this.encoded.decodingFinished();
	}

	private EOFException truncated(String where) {
		return new EOFException(this.coding.token + " response body is truncated: it ended " + where);
	}

	private void end() {
		if (this.inflater != null) {
			this.inflater.end();
			this.inflater = null;
		}
	}

	@Override
	public long skip(long n) throws IOException {
		// Skipping decoded bytes means decoding them.
		return super.skip(n);
	}

	@Override
	public int available() throws IOException {
		return 0;
	}

	@Override
	public void close() throws IOException {
		end();
		this.encoded.close();
	}

}
