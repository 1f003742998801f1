/*
 * Generic TLM-2.0 platform parts: a sparse memory and an address router.
 * See docs/platform.md.
 */
#ifndef GICTLM_TLM_PARTS_H
#define GICTLM_TLM_PARTS_H

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace gictlm {

/* gp set up for one loosely-timed access of an initiator that reuses its
 * payload: command, address, data and length (streaming width = length), no
 * byte enables, no DMI hint, response incomplete. */
inline void tlm_payload_set(tlm::tlm_generic_payload &gp, tlm::tlm_command cmd, uint64_t addr,
                            unsigned char *data, unsigned len)
{
    gp.set_command(cmd);
    gp.set_address(addr);
    gp.set_data_ptr(data);
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    gp.set_byte_enable_ptr(nullptr);
    gp.set_dmi_allowed(false);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

/*
 * Sparse memory (4 KiB pages allocated on first write; unwritten memory reads
 * as zero), so that large GIC tables cost nothing until touched. Loosely timed:
 * b_transport only annotates the latency (never waits), which makes it a valid
 * target for the GIC's memory port. DMI is granted per page when enabled:
 * b_transport sets the DMI hint for an access to an allocated page (a read of
 * an unwritten page does not, so that DMI allocates nothing), get_dmi grants
 * the page, read-write, or read-only while on_write is set and
 * dmi_write_allowed does not say that the requester's writes need not be seen.
 */
class sparse_memory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<sparse_memory> socket;

    sparse_memory(sc_core::sc_module_name name, uint64_t size, sc_core::sc_time read_latency,
                  sc_core::sc_time write_latency, bool dmi = false);

    /* Untimed host access (e.g. for tests). */
    void write(uint64_t addr, const void *buf, size_t len);
    void read(uint64_t addr, void *buf, size_t len);
    size_t footprint() const { return pages_.size() * kPage; }

    uint64_t reads = 0, writes = 0, bytes_read = 0, bytes_written = 0, errors = 0;

    /* Called for every successful write through the socket (b_transport and
     * transport_dbg) with the address relative to the memory, the data and the
     * initiator's local time offset (zero for debug writes), before the write's
     * latency is added. Used to record the writes of other agents for replay. */
    std::function<void(uint64_t addr, const unsigned char *data, unsigned len,
                       const sc_core::sc_time &delay)>
        on_write;
    /* Asked by get_dmi while on_write is set: true when the requester's
     * writes need not reach on_write (e.g. a platform whose on_write ignores
     * the GIC's own writes: "the GIC is running"), so that the grant may
     * include writes. Unset: read-only DMI while on_write is set (writes of a
     * DMI pointer bypass the socket, hence on_write). */
    std::function<bool()> dmi_write_allowed;

private:
    static constexpr uint64_t kPage = 4096;
    uint8_t *page(uint64_t pn, bool alloc);
    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    unsigned transport_dbg(tlm::tlm_generic_payload &gp);
    bool get_dmi(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi);
    bool access(tlm::tlm_generic_payload &gp, bool *mapped);

    uint64_t size_;
    sc_core::sc_time rd_lat_, wr_lat_;
    bool dmi_;
    std::unordered_map<uint64_t, std::unique_ptr<uint8_t[]>> pages_; /* looked up, never iterated */
};

/*
 * Address decoder. Initiators bind to `target`; targets are added with
 * add_target(socket, base, size). The address seen by a target is relative to
 * its base. Extensions (e.g. the DeviceID) pass through. Unmapped addresses
 * get TLM_ADDRESS_ERROR_RESPONSE.
 */
class router : public sc_core::sc_module {
public:
    tlm_utils::multi_passthrough_target_socket<router> target;
    tlm_utils::multi_passthrough_initiator_socket<router> initiator;

    explicit router(sc_core::sc_module_name name);
    /* Throws std::runtime_error on overlapping ranges. */
    void add_target(tlm::tlm_base_target_socket<> &t, uint64_t base, uint64_t size,
                    const std::string &name);
    void print_map(std::ostream &os) const;

    uint64_t decode_errors = 0;

private:
    struct entry {
        uint64_t base, size;
        unsigned port;
        std::string name;
    };
    const entry *decode(uint64_t addr) const;
    void add_entry(uint64_t base, uint64_t size, const std::string &name);
    void b_transport(int id, tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    unsigned transport_dbg(int id, tlm::tlm_generic_payload &gp);
    bool get_dmi(int id, tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi);
    void invalidate(int port, sc_dt::uint64 start, sc_dt::uint64 end);

    std::vector<entry> map_;
    /* An entry as b_transport forwards to it: its window and the target's
     * interface (size 0: empty, never matches). */
    struct route {
        uint64_t base = 0, size = 0;
        tlm::tlm_fw_transport_if<> *fw = nullptr;
    };
    /* per initiator (target socket index): the two entries it decoded last,
     * the latest first, tried before the binary search (a CPU alternates
     * between the GIC's frames and RAM) */
    std::vector<std::array<route, 2>> routes_;
    const route *route_miss(size_t id, uint64_t addr);
    unsigned nports_ = 0;
};

} // namespace gictlm
#endif
