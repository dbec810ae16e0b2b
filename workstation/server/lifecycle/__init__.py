"""The backend running the account lifecycle: money in (payments, placements, recalls) and
time passing (the daily run and its steps: aging, promises, plans, holds, the paid-in-full
letter). Each module applies the pure rules of ``workstation.lifecycle`` inside the server's
transactions and writes every change as an event or a versioned row, so devices hear of it
on their next pull.
"""
