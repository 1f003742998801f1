/*
 * gictlm SystemC/TLM-2.0 wrapper (gic_tlm.h), part 3 of 3: the TLM sockets.
 * Register frames (GICD, GICR, GITS; b_transport and transport_dbg), MSIs
 * (GITS_TRANSLATER writes, posted, DeviceID from the device_id_source) and
 * the memory port (mem_socket) the core makes its table accesses through.
 * (Part 1: gic_tlm.cpp; part 2: gic_tlm_driver.cpp.)
 */
#include "gic_tlm.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <stdexcept>

using namespace sc_core;

namespace gictlm {

tlm::tlm_response_status tlm_status(gic_status_t st)
{
    switch (st) {
    case GIC_OK: return tlm::TLM_OK_RESPONSE;
    case GIC_ERR_ADDR: return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    case GIC_ERR_SIZE: return tlm::TLM_BURST_ERROR_RESPONSE;
    default: return tlm::TLM_GENERIC_ERROR_RESPONSE;
    }
}

bool device_id_from_extension(const tlm::tlm_generic_payload &gp, uint32_t, uint32_t &device_id)
{
    device_id_extension *ext = nullptr;
    gp.get_extension(ext);
    if (!ext) return false;
    device_id = ext->device_id;
    return true;
}

/* The core's memory accesses (its port; one at a time, from inside a gic_*
 * call). Where the memory granted DMI for the address (TLM-2.0 direct memory
 * interface) the data is copied directly and the latency is the one of the
 * grant; otherwise one b_transport on mem_socket, whose DMI hint, if set,
 * makes the wrapper ask for the region (get_direct_mem_ptr) for the accesses
 * after this one. Both count in the wrapper's mem_* statistics alike. */
gic_status_t gic_tlm::on_mem(void *ctx, gic_time_t t, bool is_write, uint64_t addr, void *buf,
                             uint32_t len, uint64_t *latency_ps)
{
    gic_tlm *self = static_cast<gic_tlm *>(ctx);
    uint64_t lat;
    bool ok = true;
    const dmi_region *r = self->dmi_find(addr, len);
    if (r && (is_write ? r->wr : r->rd)) {
        unsigned char *p = r->ptr + (addr - r->start);
        if (is_write)
            std::memcpy(p, buf, len);
        else
            std::memcpy(buf, p, len);
        lat = is_write ? r->wr_ps : r->rd_ps;
    } else {
        /* One payload, reused (the core makes one memory access at a time; no
         * extensions, no memory manager): no allocation per access. */
        tlm::tlm_generic_payload &gp = self->mem_gp_;
        gp.set_command(is_write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        gp.set_address(addr);
        gp.set_data_ptr(static_cast<unsigned char *>(buf));
        gp.set_data_length(len);
        gp.set_streaming_width(len);
        gp.set_byte_enable_ptr(nullptr);
        gp.set_byte_enable_length(0);
        gp.set_dmi_allowed(false);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_time before = sim_now();
        uint64_t now = to_ps(before);
        sc_time d0 = t > now ? from_ps(t - now) : SC_ZERO_TIME;
        sc_time d = d0;
        self->mem_socket->b_transport(gp, d);
        if (sim_now() != before) {
            /* The target waited: not allowed here (we may be in an SC_METHOD). */
            self->st_.mem_target_waited++;
            SC_REPORT_WARNING("gictlm/mem", "mem_socket target advanced time inside b_transport");
        }
        lat = d > d0 ? to_ps(d - d0) : 0;
        ok = gp.is_response_ok();
        /* (not again for a region already granted, e.g. a write to a read-only grant) */
        if (ok && gp.is_dmi_allowed() && !r) self->dmi_request(gp);
    }
    if (latency_ps) *latency_ps = lat;
    (is_write ? self->st_.mem_writes : self->st_.mem_reads)++;
    self->st_.mem_bytes += len;
    self->st_.mem_latency_ps += lat;
    if (!ok) {
        self->st_.mem_errors++;
        return GIC_ERR_MEM;
    }
    return GIC_OK;
}

const gic_tlm::dmi_region *gic_tlm::dmi_search(uint64_t addr, uint32_t len, uint32_t &slot)
{
    auto it = std::upper_bound(dmi_.begin(), dmi_.end(), addr,
                               [](uint64_t a, const dmi_region &x) { return a < x.start; });
    if (it == dmi_.begin()) return nullptr;
    --it;
    if (addr - it->start + len - 1 > it->end - it->start) return nullptr;
    slot = (uint32_t)(it - dmi_.begin()) + 1;
    return &*it;
}

/* Ask the memory for the DMI region around gp's address (after an access
 * whose response set the DMI hint) and keep what it grants. */
void gic_tlm::dmi_request(tlm::tlm_generic_payload &gp)
{
    tlm::tlm_dmi d;
    if (!mem_socket->get_direct_mem_ptr(gp, d)) return;
    if (!d.get_dmi_ptr() || !(d.is_read_allowed() || d.is_write_allowed())) return;
    dmi_region n{d.get_start_address(), d.get_end_address(), d.get_dmi_ptr(), d.is_read_allowed(),
                 d.is_write_allowed(), to_ps(d.get_read_latency()), to_ps(d.get_write_latency())};
    if (n.end < n.start) return;
    dmi_invalidate(n.start, n.end); /* a new grant replaces what overlaps it */
    dmi_.insert(std::upper_bound(dmi_.begin(), dmi_.end(), n.start,
                                 [](uint64_t a, const dmi_region &x) { return a < x.start; }),
                n);
    std::memset(dmi_slot_, 0, sizeof dmi_slot_); /* indices moved */
}

/* invalidate_direct_mem_ptr from the memory side: drop every region that
 * overlaps [start, end]; their accesses go through b_transport again. */
void gic_tlm::dmi_invalidate(sc_dt::uint64 start, sc_dt::uint64 end)
{
    auto gone = [&](const dmi_region &x) { return x.start <= end && start <= x.end; };
    auto e = std::remove_if(dmi_.begin(), dmi_.end(), gone);
    if (e == dmi_.end()) return;
    dmi_.erase(e, dmi_.end());
    std::memset(dmi_slot_, 0, sizeof dmi_slot_);
}

/* ---- register frames ----------------------------------------------------------------- */

bool gic_tlm::check_payload(tlm::tlm_generic_payload &gp)
{
    unsigned len = gp.get_data_length();
    if (gp.get_byte_enable_ptr()) {
        gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE); /* byte enables unsupported */
    } else if (gp.get_streaming_width() < len || len == 0 || len > 8) {
        gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    } else if (in_core_) {
        /* e.g. a memory target routing the core's access back into a GIC frame */
        gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        SC_REPORT_WARNING("gictlm/wrapper", "GIC register access from inside the GIC (re-entrant)");
    } else {
        return true;
    }
    st_.mmio_errors++;
    return false;
}

/* A register access's data (len <= 8) to and from the value: little-endian
 * host, little-endian GIC; words and double words copied with a fixed size
 * (no call). */
static inline uint64_t data_load(const unsigned char *d, unsigned len)
{
    if (len == 4) {
        uint32_t w;
        std::memcpy(&w, d, 4);
        return w;
    }
    uint64_t v = 0;
    if (len == 8) std::memcpy(&v, d, 8);
    else std::memcpy(&v, d, len);
    return v;
}

static inline void data_store(unsigned char *d, uint64_t v, unsigned len)
{
    if (len == 4) {
        const uint32_t w = (uint32_t)v;
        std::memcpy(d, &w, 4);
    } else if (len == 8) {
        std::memcpy(d, &v, 8);
    } else {
        std::memcpy(d, &v, len);
    }
}

void gic_tlm::frame_access(gic_frame_t frame, uint32_t index, uint64_t offset,
                           tlm::tlm_generic_payload &gp, sc_time *delay)
{
    if (gp.get_command() == tlm::TLM_IGNORE_COMMAND) {
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    if (!check_payload(gp)) return;
    unsigned len = gp.get_data_length();
    bool wr = gp.is_write();
    /* A debug access (transport_dbg: no delay) does not advance the core: a
     * read sees the state at the core's last input. A write changes state,
     * so it acts at the current SystemC time (never before the core's last
     * input): its outputs are stamped with the time they happen, and the
     * pins follow those stamps. */
    sc_time now_offset = SC_ZERO_TIME;
    uint64_t t = delay ? input_time(*delay) : wr ? std::max(gic_now(g_), input_time(now_offset)) : gic_now(g_);
    uint64_t v = 0;
    gic_status_t st;
    in_core_ = true;
    if (wr) {
        v = data_load(gp.get_data_ptr(), len);
        st = gic_mmio_write(g_, t, frame, index, offset, len, v);
        st_.mmio_writes++;
    } else {
        st = gic_mmio_read(g_, t, frame, index, offset, len, &v);
        data_store(gp.get_data_ptr(), v, len);
        st_.mmio_reads++;
    }
    in_core_ = false;
    if (in_wanted(wr ? gic_tlm_input::MMIO_WRITE : gic_tlm_input::MMIO_READ)) {
        gic_tlm_input in;
        in.kind = wr ? gic_tlm_input::MMIO_WRITE : gic_tlm_input::MMIO_READ;
        in.t = t;
        in.frame = frame;
        in.index = index;
        in.offset = offset;
        in.value = v;
        in.status = st;
        notify_input(in);
    }
    if (st != GIC_OK) st_.mmio_errors++;
    if (st == GIC_ERR_DEVID) st_.msis_no_devid++;
    gp.set_response_status(tlm_status(st));
    if (delay) *delay += opt_.mmio_latency;
    rearm(); /* a debug access can change state (and lines) too */
}

void gic_tlm::gicd_b_transport(tlm::tlm_generic_payload &gp, sc_time &delay)
{
    frame_access(GIC_FRAME_GICD, 0, gp.get_address(), gp, &delay);
}

/* Redistributor of a GICR offset; UINT32_MAX (no such CPU: the core answers
 * GIC_ERR_ADDR) for an index that does not fit (no truncation to CPU 0..). */
static inline uint32_t gicr_index(uint64_t a, uint64_t stride)
{
    const uint64_t i = a / stride;
    return i > UINT32_MAX ? UINT32_MAX : (uint32_t)i;
}

void gic_tlm::gicr_b_transport(tlm::tlm_generic_payload &gp, sc_time &delay)
{
    uint64_t a = gp.get_address();
    const uint64_t rs = gicr_stride_; /* 128 KiB, or 256 KiB with GICv4 */
    frame_access(GIC_FRAME_GICR, gicr_index(a, rs), a % rs, gp, &delay);
}

void gic_tlm::gits_b_transport(int id, tlm::tlm_generic_payload &gp, sc_time &delay)
{
    uint64_t a = gp.get_address();
    uint32_t devid;
    if (gp.is_write() && a == GIC_GITS_TRANSLATER_OFFSET && msi_device_id(gp, id, devid)) {
        /* MSI: GITS_TRANSLATER accepts 16- and 32-bit writes (EventID zero-extended). */
        unsigned len = gp.get_data_length();
        if (gp.get_byte_enable_ptr()) {
            gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
            st_.mmio_errors++;
            return;
        }
        if ((len != 2 && len != 4) || gp.get_streaming_width() < len) {
            gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
            st_.mmio_errors++;
            return;
        }
        uint32_t ev = 0;
        const unsigned char *d = gp.get_data_ptr();
        if (len == 4) {
            std::memcpy(&ev, d, 4);
        } else {
            uint16_t h;
            std::memcpy(&h, d, 2);
            ev = h;
        }
        /* Posted: applied by the driver at exactly the initiator's local time. */
        uint64_t t = to_ps(sim_now() + delay);
        posted_.push(posted{t, seq_++, (uint32_t)id, devid, ev});
        st_.msis_posted++;
        if (in_wanted(gic_tlm_input::MSI)) {
            gic_tlm_input in;
            in.kind = gic_tlm_input::MSI;
            in.t = t;
            in.its = (uint32_t)id;
            in.devid = devid;
            in.eventid = ev;
            notify_input(in);
        }
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
        delay += opt_.msi_latency;
        if (!driving_ && t < armed_ps_) arm(t); /* (a running loop re-arms when it ends) */
        return;
    }
    /* Everything else, including a TRANSLATER write without DeviceID, which the
     * core refuses with GIC_ERR_DEVID (-> TLM_GENERIC_ERROR_RESPONSE): never a guess. */
    frame_access(GIC_FRAME_GITS, (uint32_t)id, a, gp, &delay);
}

unsigned gic_tlm::gicd_dbg(tlm::tlm_generic_payload &gp)
{
    frame_access(GIC_FRAME_GICD, 0, gp.get_address(), gp, nullptr);
    return gp.is_response_ok() ? gp.get_data_length() : 0;
}

unsigned gic_tlm::gicr_dbg(tlm::tlm_generic_payload &gp)
{
    uint64_t a = gp.get_address();
    const uint64_t rs = gicr_stride_;
    frame_access(GIC_FRAME_GICR, gicr_index(a, rs), a % rs, gp, nullptr);
    return gp.is_response_ok() ? gp.get_data_length() : 0;
}

unsigned gic_tlm::gits_dbg(int id, tlm::tlm_generic_payload &gp)
{
    /* A debug write to GITS_TRANSLATER never generates an MSI (the core refuses it). */
    frame_access(GIC_FRAME_GITS, (uint32_t)id, gp.get_address(), gp, nullptr);
    return gp.is_response_ok() ? gp.get_data_length() : 0;
}

bool gic_tlm::no_dmi(tlm::tlm_generic_payload &, tlm::tlm_dmi &dmi)
{
    dmi.allow_none(); /* register frames: no direct memory access */
    return false;
}

bool gic_tlm::no_dmi_tagged(int, tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi)
{
    return no_dmi(gp, dmi);
}

} // namespace gictlm
