package dev.roundtrip.transport.fuzz;

import java.util.Arrays;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

/**
 * How one run reads a wire: the request method the responses answer, the connection's
 * buffer size, how the bytes arrive (the size of each socket read, cycled), how the
 * caller reads the body, and the header limit. None of it may change the outcome but the
 * method and the limit.
 *
 * @param readSizes per body read, cycled: 0 reads one byte with {@code read()}, {@code n
 * > 0} reads up to {@code n} bytes, {@code -n} calls {@code available()} first
 */
record Reading(String method, int bufferSize, int[] deliverySizes, int[] readSizes, long maxHeaderBytes) {

	static final String[] METHODS = { "GET", "HEAD", "POST", "CONNECT" };

	/** The whole wire in one read, an 8 KiB buffer (the default), 8 KiB body reads. */
	static Reading whole(String method, long maxHeaderBytes) {
		return new Reading(method, 8192, new int[] { Integer.MAX_VALUE }, new int[] { 8192 }, maxHeaderBytes);
	}

	/** One byte per socket read and per body read, through the smallest buffer. */
	static Reading oneByteAtATime(String method, long maxHeaderBytes) {
		return new Reading(method, 1, new int[] { 1 }, new int[] { 0 }, maxHeaderBytes);
	}

	/** The wire in two reads, split before byte {@code at}. */
	static Reading splitAt(int at, String method, long maxHeaderBytes) {
		return new Reading(method, 8192,
				(at == 0) ? new int[] { Integer.MAX_VALUE } : new int[] { at, Integer.MAX_VALUE }, new int[] { 8192 },
				maxHeaderBytes);
	}

	/** A schedule chosen by the fuzzer; consumes a few bytes of {@code data}. */
	static Reading fuzzed(FuzzedDataProvider data, String method, long maxHeaderBytes) {
		int bufferSize = data.pickValue(new int[] { 1, 2, 7, 64, 256, 8192 });
		int[] deliverySizes = new int[data.consumeInt(1, 4)];
		for (int i = 0; i < deliverySizes.length; i++) {
			deliverySizes[i] = data.consumeInt(1, 300);
		}
		int[] readSizes = new int[data.consumeInt(1, 4)];
		for (int i = 0; i < readSizes.length; i++) {
			readSizes[i] = data.consumeInt(-40, 300);
		}
		return new Reading(method, bufferSize, deliverySizes, readSizes, maxHeaderBytes);
	}

	@Override
	public String toString() {
		return this.method + ", buffer " + this.bufferSize + ", socket reads " + Arrays.toString(this.deliverySizes)
				+ ", body reads " + Arrays.toString(this.readSizes) + ", max header bytes " + this.maxHeaderBytes;
	}

}
