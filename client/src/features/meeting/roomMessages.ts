import { useTranslation } from 'react-i18next';

/**
 * The meeting room's strings, Vietnamese first. Kept beside the room until
 * the app's i18n resources take them over; follows the chosen language.
 */
export const roomMessages = {
  vi: {
    joining: 'Đang vào phòng họp…',
    reconnecting: 'Mất kết nối, đang kết nối lại…',
    mic: 'Micro',
    micOn: 'Tắt micro',
    micOff: 'Bật micro',
    camOn: 'Tắt camera',
    camOff: 'Bật camera',
    screenOn: 'Dừng chia sẻ',
    screenOff: 'Chia sẻ màn hình',
    raiseHand: 'Giơ tay',
    lowerHand: 'Hạ tay',
    leave: 'Rời phòng',
    you: '(bạn)',
    host: 'Chủ trì',
    handRaised: 'Đang giơ tay',
    muted: 'Đã tắt micro',
    hostMuted: 'Chủ trì đã tắt micro của bạn. Hãy giơ tay xin phát biểu.',
    floor: 'Đang phát biểu',
    mute: 'Tắt micro',
    muteAll: 'Tắt micro tất cả',
    giveFloor: 'Mời phát biểu',
    takeFloor: 'Thu hồi quyền phát biểu',
    lowerAllHands: 'Hạ tất cả tay',
    remove: 'Mời ra',
    lock: 'Khóa phòng',
    unlock: 'Mở khóa phòng',
    locked: 'Phòng đã khóa',
    present: 'Điểm cầu tham dự',
    chat: 'Trao đổi',
    send: 'Gửi',
    disconnected: 'mất kết nối',
    ended_left: 'Bạn đã rời phòng họp.',
    ended_removed: 'Chủ trì đã mời bạn ra khỏi phòng họp.',
    ended_replaced: 'Bạn đã vào phòng họp từ một cửa sổ khác.',
    ended_closed: 'Phòng họp đã đóng.',
    rejoin: 'Vào lại',
  },
  en: {
    joining: 'Joining the meeting…',
    reconnecting: 'Connection lost, reconnecting…',
    mic: 'Microphone',
    micOn: 'Mute',
    micOff: 'Unmute',
    camOn: 'Stop camera',
    camOff: 'Start camera',
    screenOn: 'Stop sharing',
    screenOff: 'Share screen',
    raiseHand: 'Raise hand',
    lowerHand: 'Lower hand',
    leave: 'Leave',
    you: '(you)',
    host: 'Host',
    handRaised: 'Hand raised',
    muted: 'Muted',
    hostMuted: 'A host muted you. Raise your hand to ask for the floor.',
    floor: 'Has the floor',
    mute: 'Mute',
    muteAll: 'Mute everyone',
    giveFloor: 'Give the floor',
    takeFloor: 'Take the floor back',
    lowerAllHands: 'Lower all hands',
    remove: 'Remove',
    lock: 'Lock meeting',
    unlock: 'Unlock meeting',
    locked: 'Meeting locked',
    present: 'Endpoints present',
    chat: 'Chat',
    send: 'Send',
    disconnected: 'disconnected',
    ended_left: 'You left the meeting.',
    ended_removed: 'A host removed you from the meeting.',
    ended_replaced: 'You joined this meeting from another window.',
    ended_closed: 'The meeting has closed.',
    rejoin: 'Join again',
  },
} as const;

export type RoomMessageKey = keyof typeof roomMessages.vi;

export function useRoomText(): (key: RoomMessageKey) => string {
  const { i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  return (key) => roomMessages[lang][key];
}
